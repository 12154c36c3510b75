-- expect: runtimeError: stack overflow
-- __pairs = pairs: pairs calls __pairs calls pairs ...
local t = setmetatable({}, {__pairs = pairs})
for k, v in pairs(t) do end
