-- expect: runtimeError: number must be finite
-- Infinity is never a key: the ordinary path refuses it by name.
assert(ctx.series(1) == 2 and ctx.series(1) == 2)
ctx.series(math.huge)
