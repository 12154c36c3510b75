-- expect: cpuQuotaExceeded
-- Same hole as cpu-close-after-coroutine-trip.lua, through coroutine.wrap and
-- a pcall of the main thread: the stop is re-raised in the main thread and
-- pcall's unwinding runs the main thread's __close with no hook armed.
-- (Bounded here, ~0.5-1 s; unbounded with `while true do end`.)
pcall(function()
  local guard <close> = setmetatable({}, {__close = function()
    local n = 0
    for i = 1, 200000000 do n = n + 1 end
  end})
  coroutine.wrap(function() while true do end end)()
end)
