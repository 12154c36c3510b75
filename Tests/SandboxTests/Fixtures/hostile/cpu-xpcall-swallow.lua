-- expect: cpuQuotaExceeded
-- xpcall around a spinning function, with a handler that returns normally.
while true do
  xpcall(function() while true do end end, function(m) return "swallowed" end)
end
