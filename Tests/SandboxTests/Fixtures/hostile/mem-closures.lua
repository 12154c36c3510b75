-- expect: memoryQuotaExceeded
-- Millions of closures, each with its own upvalue.
local fs = {}
for i = 1, 1e9 do
  local captured = i
  fs[i] = function() return captured end
end
