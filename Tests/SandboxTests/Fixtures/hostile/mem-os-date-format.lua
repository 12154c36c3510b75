-- expect: quotaExceeded
-- os.date expanding a 512 KiB format of "%c" into ~6 MiB, three times: the
-- memory quota stops the third, unless half a million strftime calls have
-- spent the 50 ms CPU quota first (seen on a loaded 2-core machine).
local f = "%c"
for i = 1, 18 do f = f .. f end
local a = os.date(f, 0)
local b = os.date(f, 0)
local c = os.date(f, 0)
error("got " .. #a + #b + #c .. " bytes")
