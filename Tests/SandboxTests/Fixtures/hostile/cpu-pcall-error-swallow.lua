-- expect: cpuQuotaExceeded
-- Swallow every error pcall reports, including the quota stop, and keep going.
local caught = 0
while true do
  local ok = pcall(function()
    for i = 1, 1e6 do end
    error("tick")
  end)
  if not ok then caught = caught + 1 end
end
