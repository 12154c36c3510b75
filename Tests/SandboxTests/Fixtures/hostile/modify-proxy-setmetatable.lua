-- expect: runtimeError: cannot change a protected metatable
-- Replacing a library proxy's metatable would expose or redirect it.
setmetatable(math, {__index = function() return 0 end})
