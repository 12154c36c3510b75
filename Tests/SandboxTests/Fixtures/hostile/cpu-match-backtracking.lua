-- expect: cpuQuotaExceeded
-- string.match with lazy quantifiers that backtrack exponentially.
local s = ""
for i = 1, 40 do s = s .. "x" end
string.match(s, "^.-.-.-.-.-.-.-.-.-.-$y")
error("the match should never finish")
