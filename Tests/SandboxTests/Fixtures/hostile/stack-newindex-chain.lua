-- expect: runtimeError: stack overflow
-- __newindex function assigning to its own table.
local t = setmetatable({}, {__newindex = function(self, k, v) self[k] = v end})
t.x = 1
