-- expect: cpuQuotaExceeded
-- pcall around published calls cannot swallow the quota stop.
assert(ctx.series(1) == 2)
while true do pcall(ctx.series, 1) end
