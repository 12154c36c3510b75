-- expect: cpuQuotaExceeded
-- One string.find call with an exponential-time pattern (hours in stock Lua).
-- Nothing runs in the VM while the matcher works, so only polling inside the
-- pattern matcher can stop it. (Built without string.rep on purpose.)
local s = ""
for i = 1, 40 do s = s .. "a" end
string.find(s, "a*a*a*a*a*a*a*a*a*b")
error("the match should never finish")
