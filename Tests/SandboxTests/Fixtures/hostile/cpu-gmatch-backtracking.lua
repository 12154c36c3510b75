-- expect: cpuQuotaExceeded
-- A single gmatch step with an exponential pattern.
local s = ""
for i = 1, 40 do s = s .. "a" end
for m in string.gmatch(s, "a*a*a*a*a*a*a*a*a*b") do end
error("the iteration should never finish")
