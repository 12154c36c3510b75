-- expect: ok
-- Coroutines as generators and pipelines, yield across pcall, wrap and status.
local function range(n)
  return coroutine.wrap(function() for i = 1, n do coroutine.yield(i) end end)
end
local sum = 0
for i in range(100) do sum = sum + i end
assert(sum == 5050)
local function filter(pred, gen)
  return coroutine.wrap(function()
    for v in gen do if pred(v) then coroutine.yield(v) end end
  end)
end
local evens = 0
for v in filter(function(x) return x % 2 == 0 end, range(10)) do evens = evens + v end
assert(evens == 30)
-- Passing values both ways.
local co = coroutine.create(function(a, b)
  local c = coroutine.yield(a + b)
  local d, e = coroutine.yield(c * 2)
  return d + e
end)
local ok, v = coroutine.resume(co, 1, 2); assert(ok and v == 3)
ok, v = coroutine.resume(co, 10); assert(ok and v == 20)
ok, v = coroutine.resume(co, 3, 4); assert(ok and v == 7)
assert(coroutine.status(co) == "dead")
assert(coroutine.resume(co) == false)
-- Yield across pcall, and errors inside coroutines.
local guarded = coroutine.wrap(function()
  local ok2, r = pcall(function() coroutine.yield("inside pcall"); error("after yield") end)
  coroutine.yield(ok2, r)
  return "end"
end)
assert(guarded() == "inside pcall")
local ok3, r3 = guarded()
assert(ok3 == false and type(r3) == "string")
assert(guarded() == "end")
local failing = coroutine.create(function() error({why = "table"}) end)
local okf, errf = coroutine.resume(failing)
assert(okf == false and errf.why == "table")
assert(coroutine.isyieldable() == false)
assert(coroutine.wrap(function() return coroutine.isyieldable() end)() == true)
local inner = coroutine.running()
assert(type(inner) == "thread")
-- __close runs when a coroutine returns normally.
local closed = false
coroutine.wrap(function() local x <close> = setmetatable({}, {__close = function() closed = true end}) end)()
assert(closed)
