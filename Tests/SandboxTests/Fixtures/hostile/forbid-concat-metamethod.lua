-- expect: runtimeError: '__concat' is not allowed
local t = setmetatable({}, {__concat = function(a, b) return "x" end})
