-- expect: cpuQuotaExceeded
-- Endless yield/resume ping-pong: the CPU time is split between two Lua
-- threads, and the hook must land on whichever is running.
local co = coroutine.create(function()
  while true do coroutine.yield() end
end)
while true do
  coroutine.resume(co)
end
