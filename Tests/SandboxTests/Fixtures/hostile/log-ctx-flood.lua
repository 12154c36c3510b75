-- expect: ok
-- Flood ctx.log, print and warn together: all three share one byte budget
-- per window of event time. Past it lines are dropped and one
-- "log suppressed: N bytes" notice per window reports them.
local line = string.rep("0123456789", 100)   -- 1000 bytes
local function attack()
  for i = 1, 200 do ctx.log(line) end
  for i = 1, 50 do print(line, i) end
  for i = 1, 50 do warn(line) end
end
attack()
function on_bar() attack() end
