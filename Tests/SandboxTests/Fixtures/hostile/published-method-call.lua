-- expect: ok
-- ctx:series(x) passes the module itself first: never a key, and the body
-- skips it, so both forms agree.
assert(ctx.series(4) == 8 and ctx.series(4) == 8)
assert(ctx:series(4) == 8)
assert(ctx:series(4, "B") == 9 and ctx.series(4, "B") == 9)
