-- expect: runtimeError
-- __tostring tries to yield while the host formats the error.
error(setmetatable({}, {__tostring = function() coroutine.yield() end}))
