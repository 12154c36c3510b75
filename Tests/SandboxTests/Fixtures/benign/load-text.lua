-- expect: ok
-- load() of text chunks: values, varargs, errors, globals, chunk names.
local f = load("return 1 + 2")
assert(f() == 3)
local add = load("local a, b = ...; return a + b")
assert(add(2, 5) == 7)
local g, err = load("return +", "=broken")
assert(g == nil and string.sub(err, 1, 7) == "broken:")
load("loaded_global = 'set by chunk'")()
assert(loaded_global == "set by chunk")
local h = load("return loaded_global .. '!'")
assert(h() == "set by chunk!")
local ok, e = pcall(load("error('inside', 0)"))
assert(not ok and e == "inside")
local sum = 0
for i = 1, 50 do sum = sum + load("return " .. i)() end
assert(sum == 1275)
local counter = load("local n = 0; return function() n = n + 1; return n end")()
counter(); assert(counter() == 2)
assert(load("return ...", "=varargs", "t")(1, 2) == 1)
