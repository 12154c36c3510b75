-- expect: runtimeError: string expected, got number
-- A number where the name goes is a key of its own, never published: the body names the problem.
assert(ctx.record().label == "A" and ctx.record().label == "A")
assert(not pcall(ctx.record, true))
assert(not pcall(ctx.record, {}))
ctx.record(1)
