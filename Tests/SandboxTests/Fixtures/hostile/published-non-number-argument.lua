-- expect: runtimeError: number expected, got table
-- Tables, booleans and functions never match: the body names the problem.
assert(ctx.series(3) == 6 and ctx.series(3) == 6)
assert(not pcall(ctx.series, true))
assert(not pcall(ctx.series, print))
ctx.series({3})
