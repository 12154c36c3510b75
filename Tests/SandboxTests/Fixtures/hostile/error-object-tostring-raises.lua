-- expect: runtimeError: tostring exploded
-- __tostring raises while the host formats the error.
error(setmetatable({}, {__tostring = function() error("tostring exploded") end}))
