-- expect: runtimeError: unknown global 'debug'
-- No debug library (it would reach upvalues, the registry and hooks).
assert(not pcall(function() return debug end))
debug.sethook()
