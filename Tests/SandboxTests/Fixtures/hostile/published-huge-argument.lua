-- expect: runtimeError: out of range
-- A huge finite number is looked up, found absent, and refused by the body.
assert(ctx.series(1e12) == 2e12 and ctx.series(1e12) == 2e12)
ctx.series(1e300)
