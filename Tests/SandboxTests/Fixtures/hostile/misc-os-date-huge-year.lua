-- expect: runtimeError: cannot be represented
-- Dates far outside what the C library can represent.
assert(os.date("!%Y", 0) == "1970")
assert(type(os.time{year = 100000000, month = 1, day = 1}) == "number")
assert(not pcall(os.time, {year = 100000001, month = 1, day = 1}))
assert(not pcall(os.time, {year = 1, month = 1}))
assert(not pcall(os.date, "%Q"))
assert(not pcall(os.date, "%c", 2^63))
local t = os.date("*t", 0)
assert(t.year == 1970 and t.month == 1 and t.hour == 0)
os.date("*t", 1 << 62)
