-- expect: runtimeError: stack overflow
-- __eq that compares its operands with == again.
local mt = {__eq = function(a, b) return a == b end}
local a, b = setmetatable({}, mt), setmetatable({}, mt)
local same = a == b
