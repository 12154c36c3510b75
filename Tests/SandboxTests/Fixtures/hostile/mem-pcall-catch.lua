-- expect: memoryQuotaExceeded
-- Try to pcall the memory error away and keep allocating.
local keep = {}
while true do
  pcall(function()
    for i = 1, 1e9 do keep[#keep + 1] = {i} end
  end)
end
