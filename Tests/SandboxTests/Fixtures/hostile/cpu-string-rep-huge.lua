-- expect: cpuQuotaExceeded
-- string.rep of an empty string 2^52 times allocates nothing, but a naive
-- implementation still loops 2^52 times in C. Either it returns "" at once
-- (then the loop below trips the quota) or it must poll while looping.
local s = string.rep("", 1 << 52)
assert(s == "")
s = string.rep("", 1 << 52, "")
assert(s == "")
while true do end
