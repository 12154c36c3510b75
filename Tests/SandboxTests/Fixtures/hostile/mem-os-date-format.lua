-- expect: memoryQuotaExceeded
-- os.date expanding a 512 KiB format of "%c" into ~6 MiB, twice at once.
local f = "%c"
for i = 1, 18 do f = f .. f end
local a = os.date(f, 0)
local b = os.date(f, 0)
local c = os.date(f, 0)
error("got " .. #a + #b + #c .. " bytes")
