-- expect: cpuQuotaExceeded
-- Resume a spinning coroutine again and again, ignoring its failure.
while true do
  local co = coroutine.create(function() while true do end end)
  coroutine.resume(co)
end
