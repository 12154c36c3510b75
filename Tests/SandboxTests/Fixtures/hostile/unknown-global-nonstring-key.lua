-- expect: runtimeError: unknown global
-- Unknown non-string keys through _ENV.
local value = _ENV[42]
