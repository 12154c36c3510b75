-- expect: cpuQuotaExceeded
-- The message handler of xpcall loops forever: the quota must stop it and
-- the handler must not be able to swallow the stop.
while true do
  xpcall(function() error("trigger the handler") end, function(message)
    while true do end
  end)
end
