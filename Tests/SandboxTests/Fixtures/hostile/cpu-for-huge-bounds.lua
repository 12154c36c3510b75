-- expect: cpuQuotaExceeded
-- An integer for-loop whose iteration count is precomputed as 2^63-1.
local n = 0
for i = 1, math.maxinteger do n = n + 1 end
error("the loop should never finish (" .. n .. ")")
