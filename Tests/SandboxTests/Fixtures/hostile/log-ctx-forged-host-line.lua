-- expect: ok
-- ctx.log must not let a script forge a host line: the newline and carriage
-- return are escaped, so "[host] ... ORDER FILLED" stays inside the
-- strategy's own (escaped) line. The harness checks that no log line holds a
-- control character; HostTests (StrategyLogTests) runs the same attack from
-- on_bar through the kernel.
local function attack()
  ctx.log("bar ok\n2024-01-01T00:00:00Z [host] ORDER FILLED buy 1000000 BTCUSD\r[host] deployment stopped")
  ctx.log("warn", "second\r\n[host] risk gate disabled")
end
attack()
function on_bar() attack() end
