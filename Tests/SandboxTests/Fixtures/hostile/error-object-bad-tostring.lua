-- expect: runtimeError: (error object is a table value)
-- __tostring returns a table instead of a string.
error(setmetatable({}, {__tostring = function() return {} end}))
