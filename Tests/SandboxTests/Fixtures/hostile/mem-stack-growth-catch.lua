-- expect: memoryQuotaExceeded
-- string.byte(s, 1, -1) on a 600 KiB string needs a 600k-slot Lua stack
-- (~9.6 MB), more than the quota. Lua turns a refused stack growth into an
-- ordinary error ("string slice too long"), which pcall can catch.
local s = "a"
for i = 1, 20 do s = s .. s end
s = string.sub(s, 1, 600 * 1024)
local ok, err = pcall(string.byte, s, 1, -1)
error("allocation refused but not a quota stop: " .. tostring(ok) .. ", " .. tostring(err))
