-- expect: runtimeError: xxxxxxxxxxxxxxxx
-- A 2 MiB error message: the host must bound what it copies and keeps.
local s = "x"
for i = 1, 21 do s = s .. s end
error(s, 0)
