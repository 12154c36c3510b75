-- expect: memoryQuotaExceeded
-- The message handler itself exhausts memory.
xpcall(function() error("x") end, function(message)
  local t = {}
  for i = 1, 1e9 do t[i] = message end
end)
error("unreachable")
