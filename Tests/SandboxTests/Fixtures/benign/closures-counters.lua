-- expect: ok
-- Closures sharing and capturing upvalues, per-iteration loop variables.
local function counter(start, step)
  local n = start
  return function() n = n + step; return n end, function() return n end
end
local inc, peek = counter(10, 5)
inc(); inc()
assert(peek() == 20)
local fs = {}
for i = 1, 5 do fs[i] = function() return i * i end end
for i = 1, 5 do assert(fs[i]() == i * i) end
local function memoize(f)
  local cache, calls = {}, 0
  return function(x)
    if cache[x] == nil then calls = calls + 1; cache[x] = f(x) end
    return cache[x]
  end, function() return calls end
end
local fib
local calls
fib, calls = memoize(function(n) if n < 2 then return n end return fib(n - 1) + fib(n - 2) end)
assert(fib(80) == 23416728348467685)
assert(calls() == 81)
local function compose(...)
  local fns = {...}
  return function(x)
    for i = #fns, 1, -1 do x = fns[i](x) end
    return x
  end
end
assert(compose(function(x) return x + 1 end, function(x) return x * 2 end)(5) == 11)
local function varargs(...)
  local n = select("#", ...)
  return n, (select(n > 0 and n or 1, ...))
end
assert(varargs() == 0)
local n, last = varargs(1, nil, 3)
assert(n == 3 and last == 3)
