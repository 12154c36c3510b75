-- expect: runtimeError: cannot change a protected metatable
-- Removing the environment's metatable would drop the unknown-global guard
-- and the read-only check for provided names.
setmetatable(_G, nil)
