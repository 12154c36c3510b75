-- expect: cpuQuotaExceeded
-- Spin inside wrapped coroutines, catching whatever they raise.
while true do
  local f = coroutine.wrap(function() while true do end end)
  pcall(f)
end
