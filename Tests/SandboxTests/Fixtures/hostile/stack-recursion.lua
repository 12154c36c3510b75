-- expect: memoryQuotaExceeded
-- Unbounded non-tail Lua recursion. The Lua stack limit (10^6 slots, 16 MB)
-- is above the 8 MiB quota, so the memory quota stops it first.
local function f(n) return 1 + f(n + 1) end
f(1)
