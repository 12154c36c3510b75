-- expect: ok
-- The metatable shared by all strings is not reachable or changeable.
assert(getmetatable("") == "locked")
assert(not pcall(setmetatable, "", {}))
assert(not pcall(function() getmetatable("").__index = {} end))
assert(not pcall(function() getmetatable("").__index.rep = print end))
-- String methods still resolve to the real library.
assert(("%d"):format(7) == "7")
assert(("abc"):upper() == "ABC")
