-- expect: cpuQuotaExceeded
-- A comparator that spins: the quota must reach Lua code called from sort.
local t = {}
for i = 1, 100 do t[i] = 101 - i end
table.sort(t, function(a, b) while true do end end)
