-- expect: ok
-- coroutine.running() in the main chunk returns the main thread; resuming it
-- from inside a coroutine, or from itself, must fail cleanly.
local main, ismain = coroutine.running()
assert(ismain == true and type(main) == "thread")
assert(coroutine.status(main) == "running")
local ok, err = coroutine.resume(main)
assert(ok == false, "resumed the running main thread")
local co = coroutine.create(function()
  local ok2, err2 = coroutine.resume(main)
  assert(ok2 == false, "resumed the main thread from a coroutine")
  local ok3 = pcall(coroutine.wrap(function() return coroutine.resume(main) end))
  coroutine.yield("done")
end)
local r1, r2 = coroutine.resume(co)
assert(r1 == true and r2 == "done", tostring(r2))
-- A coroutine resuming itself.
local self_co
self_co = coroutine.create(function() return coroutine.resume(self_co) end)
local a, b, c = coroutine.resume(self_co)
assert(a == true and b == false, "a coroutine resumed itself")
-- Resuming a dead coroutine.
local dead = coroutine.create(function() end)
coroutine.resume(dead)
assert(select(1, coroutine.resume(dead)) == false)
-- Yield from the main chunk is an error.
assert(not pcall(coroutine.yield, 1))
