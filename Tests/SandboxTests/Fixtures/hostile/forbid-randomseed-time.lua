-- expect: runtimeError: explicit seed
-- math.randomseed() without a seed would seed from the clock.
math.randomseed(42)
local a = math.random(1, 1000000)
math.randomseed(42)
assert(math.random(1, 1000000) == a, "seeded runs are not reproducible")
math.randomseed()
