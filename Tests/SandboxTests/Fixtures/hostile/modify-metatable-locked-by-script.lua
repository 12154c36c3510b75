-- expect: runtimeError: cannot change a protected metatable
-- A script metatable with __metatable is protected like in stock Lua.
local t = setmetatable({}, {__metatable = "mine", __index = {a = 1}})
assert(getmetatable(t) == "mine")
assert(t.a == 1)
setmetatable(t, nil)
