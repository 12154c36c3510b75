-- expect: memoryQuotaExceeded
-- Run out of memory inside a coroutine and keep going in the main thread.
local hog
while true do
  local co = coroutine.create(function()
    hog = {}
    for i = 1, 1e9 do hog[i] = i end
  end)
  coroutine.resume(co)
  hog = nil
end
