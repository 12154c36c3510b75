-- expect: memoryQuotaExceeded
-- xpcall with a handler that drops the hog and reports success.
local hog
while true do
  xpcall(function()
    hog = {}
    for i = 1, 1e9 do hog[i] = i end
  end, function(message) hog = nil; return "fine" end)
end
