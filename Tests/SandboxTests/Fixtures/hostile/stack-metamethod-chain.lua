-- expect: runtimeError: stack overflow
-- An __index function that indexes its own table: each metamethod call is
-- a C-level call, so this must hit the C stack limit cleanly.
local t = setmetatable({}, {__index = function(self, key) return self[key] end})
local x = t.anything
