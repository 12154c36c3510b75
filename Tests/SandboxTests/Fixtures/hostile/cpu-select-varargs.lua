-- expect: cpuQuotaExceeded
-- Vararg shuffling: select over 30000 arguments, forever.
local s = "a"
for i = 1, 15 do s = s .. s end
s = string.sub(s, 1, 30000)
local function count(...) return select('#', ...) end
assert(count(string.byte(s, 1, -1)) == 30000)
assert(select(-1, string.byte(s, 1, -1)) == 97)
while true do
  count(select(15000, string.byte(s, 1, -1)))
end
