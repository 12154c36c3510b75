-- expect: runtimeError: takes an optional series name
-- Arguments after the name never match a key: the body refuses them.
assert(ctx.record("B").label == "B" and ctx.record("B").label == "B")
ctx.record("B", 1)
