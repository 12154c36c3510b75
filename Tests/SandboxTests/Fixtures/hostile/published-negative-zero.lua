-- expect: ok
-- -0.0 and 0.0 are different keys (compared bit for bit); both answer as
-- the body does, and an integer 0 shares the key of 0.0.
assert(ctx.series(0.0) == 0 and ctx.series(0.0) == 0)
local negative = ctx.series(-0.0)
assert(negative == 0 and 1 / negative == -math.huge and 1 / ctx.series(-0.0) == -math.huge)
assert(1 / ctx.series(0) == math.huge)
