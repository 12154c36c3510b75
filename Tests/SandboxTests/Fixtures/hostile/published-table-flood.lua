-- expect: memoryQuotaExceeded
-- Tables built in C are the script's memory: keeping them all hits the quota.
local kept = {}
while true do kept[#kept + 1] = ctx.record() end
