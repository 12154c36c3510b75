-- expect: cpuQuotaExceeded
-- string.gsub tries the exponential pattern at every position of the subject.
local s = ""
for i = 1, 40 do s = s .. "a" end
string.gsub(s, "a*a*a*a*a*a*a*a*a*b", "")
error("the substitution should never finish")
