-- expect: runtimeError: number must be finite
-- A published answer exists for 1; NaN must not match any key (NaN ~= NaN)
-- nor crash the C lookup: it takes the ordinary path and is refused there.
assert(ctx.series(1) == 2 and ctx.series(1) == 2)
ctx.series(0/0)
