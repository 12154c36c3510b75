-- expect: runtimeError: takes a number and an optional series name
-- Arguments after the name, or more numbers than a key holds, go to the body.
assert(ctx.series(3, "A") == 6 and ctx.series(3, "A") == 6)
assert(not pcall(ctx.series, 1, 2, 3, 4, 5))
ctx.series(3, "A", 1)
