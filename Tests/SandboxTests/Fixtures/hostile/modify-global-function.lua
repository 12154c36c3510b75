-- expect: runtimeError: cannot assign to read-only global 'pcall'
-- Replacing pcall (the guard against swallowing quota stops) with the script's own.
pcall = function(f, ...) return true end
