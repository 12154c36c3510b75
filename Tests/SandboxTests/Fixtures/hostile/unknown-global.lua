-- expect: runtimeError: unknown global 'undefined_thing'
-- Reading a global nobody defined is an error, not nil.
local value = undefined_thing
