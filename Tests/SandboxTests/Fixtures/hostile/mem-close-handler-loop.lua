-- expect: memoryQuotaExceeded
-- Run out of memory with a to-be-closed variable whose __close then spins.
-- The first quota hit is memory; the spin must be stopped and the sandbox
-- should report the memory stop.
local guard <close> = setmetatable({}, {__close = function() while true do end end})
local t = {}
for i = 1, 1e9 do t[i] = i end
