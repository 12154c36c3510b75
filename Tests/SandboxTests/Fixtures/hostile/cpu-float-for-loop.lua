-- expect: cpuQuotaExceeded
-- A float for-loop to infinity.
for i = 1.0, math.huge do end
error("unreachable")
