-- expect: runtimeError: custom environment
-- load() with a custom environment is refused.
local f = load("return x", "chunk", "t", {x = 1})
