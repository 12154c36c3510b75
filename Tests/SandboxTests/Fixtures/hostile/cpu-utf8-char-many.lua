-- expect: cpuQuotaExceeded
-- utf8.char and string.char with 100000 arguments each, forever.
local s = "a"
for i = 1, 17 do s = s .. s end
s = string.sub(s, 1, 100000)
local u = utf8.char(string.byte(s, 1, -1))
assert(#u == 100000)
while true do
  utf8.char(string.byte(s, 1, -1))
  string.char(string.byte(s, 1, -1))
end
