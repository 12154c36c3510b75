-- expect: ok
-- ctx.log with terminal escapes (clear screen, set title, bell, colours, an
-- 8-bit CSI): each ESC and control byte must arrive as a visible escape
-- (\x1B, \x07, \u{009B}), never raw, or a terminal tailing the log runs them.
local function attack()
  ctx.log("\27[2J\27[H\27]0;pwned\7\27[31mfake red alert\27[0m")
  ctx.log("error", "\u{9B}2J\0nul\127del")
end
attack()
function on_bar() attack() end
