-- expect: cpuQuotaExceeded
-- A loop of answers from C (no Swift, no allocation) is still stopped by
-- the CPU quota: the loop is Lua code, where the count hook fires.
assert(ctx.series(1) == 2)
while true do ctx.series(1) end
