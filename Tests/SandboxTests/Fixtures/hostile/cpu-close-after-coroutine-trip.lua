-- expect: cpuQuotaExceeded
-- The quota trips while a coroutine runs, so the watchdog arms the count
-- hook on the coroutine's Lua thread only. The coroutine dies, resume
-- re-raises the stop in the main thread, and the stop unwinds through a
-- to-be-closed variable of the main thread, whose __close runs with no hook.
-- Here __close does 2*10^8 loop iterations (~0.5-1 s); with
-- `while true do end` instead, the call never returns.
local guard <close> = setmetatable({}, {__close = function()
  local n = 0
  for i = 1, 200000000 do n = n + 1 end
end})
local co = coroutine.create(function() while true do end end)
coroutine.resume(co)
