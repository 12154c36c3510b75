-- expect: runtimeError: string longer than 32 bytes
-- A name past the scope-name limit can never match; the body refuses it.
assert(ctx.series(3, "A") == 6)
ctx.series(3, string.rep("A", 100000))
