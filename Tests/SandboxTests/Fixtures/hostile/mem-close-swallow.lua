-- expect: memoryQuotaExceeded
-- The memory error unwinds through a to-be-closed variable whose __close
-- frees the hog and raises a different (ordinary) error, which replaces the
-- memory error. If pcall then returns false, 42 the quota stop was turned
-- into a plain error the script can catch and carry on from.
local hog
local ok, err = pcall(function()
  local guard <close> = setmetatable({}, {__close = function()
    hog = nil
    error(42)
  end})
  hog = {}
  for i = 1, 1e9 do hog[i] = i end
end)
-- Still running: prove it by doing more work, then report the escape.
local t = {}
for i = 1, 1000 do t[i] = i end
error("memory stop was swallowed; pcall returned " .. tostring(ok) .. ", " .. tostring(err))
