-- expect: ok
-- A single 4 MiB print: the line must be truncated, not copied whole.
local s = "y"
for i = 1, 22 do s = s .. s end
print(s)
print(s, s, s)
