-- expect: runtimeError: attempt to index a string value
-- getmetatable("") hands back the string "locked", not the metatable; writing
-- through it fails.
getmetatable("").__index = {upper = function() return "owned" end}
