-- expect: runtimeError: stack overflow
-- __lt and __le recursing into each other.
local mt = {}
mt.__lt = function(a, b) return a <= b end
mt.__le = function(a, b) return a < b end
local a, b = setmetatable({}, mt), setmetatable({}, mt)
local less = a < b
