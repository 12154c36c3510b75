-- expect: ok
-- One 4 MiB ctx.log line: it must be cut at the per-line cap (1024 bytes of
-- escaped text plus "...[truncated]"), not copied whole into the host's log,
-- and it must not fault the strategy.
local s = "y"
for i = 1, 22 do s = s .. s end
local function attack() ctx.log(s) end
attack()
function on_bar() attack() end
