-- expect: runtimeError: stack overflow
-- __tostring = tostring: tostring calls __tostring calls tostring ...
local t = setmetatable({}, {__tostring = tostring})
local s = tostring(t)
