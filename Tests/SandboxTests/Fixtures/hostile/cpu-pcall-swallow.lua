-- expect: cpuQuotaExceeded
-- Catch the quota error with pcall and keep spinning.
while true do
  pcall(function() while true do end end)
end
