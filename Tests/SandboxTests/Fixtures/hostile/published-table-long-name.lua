-- expect: runtimeError: string longer than 32 bytes
-- A name past the scope-name limit can never match; the body refuses it.
assert(ctx.record("B").label == "B")
ctx.record(string.rep("B", 100000))
