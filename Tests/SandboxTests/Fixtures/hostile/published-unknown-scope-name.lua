-- expect: runtimeError: unknown series 'C'
-- A trailing name the host never registered is not a key.
assert(ctx.series(3, "B") == 7 and ctx.series(3, "B") == 7)
ctx.series(3, "C")
