-- expect: runtimeError: unknown global 'loadstring'
-- Lua 5.1 names are not there either.
assert(not pcall(function() return setfenv end))
assert(not pcall(function() return getfenv end))
assert(not pcall(function() return unpack end))
loadstring("return 1")
