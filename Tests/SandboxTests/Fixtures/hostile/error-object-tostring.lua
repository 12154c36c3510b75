-- expect: runtimeError: custom failure 42
-- A table error object with __tostring: the host shows its text.
error(setmetatable({code = 42}, {__tostring = function(self) return "custom failure " .. self.code end}))
