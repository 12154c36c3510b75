-- RSI mean reversion: buy when RSI says oversold, sell when it recovers.
-- Every entry carries a protective stop placed as a bracket.
strategy = {
  name = "RSI mean reversion",
  description = "Buy oversold (RSI below a threshold), exit when RSI recovers or the stop hits.",
  version = "1.0",
  params = {
    period = { type = "integer", default = 14, min = 2, max = 200, description = "RSI period" },
    oversold = { type = "number", default = 30, min = 1, max = 50, description = "Enter below this RSI" },
    exit_level = { type = "number", default = 55, min = 40, max = 99, description = "Exit above this RSI" },
    stop_pct = { type = "number", default = 0.05, min = 0.001, max = 0.5, description = "Stop-loss distance (fraction)" },
    fraction = { type = "number", default = 0.5, min = 0.01, max = 1, description = "Fraction of equity per entry" },
  },
}

function on_bar(ctx, bar)
  local rsi = ta.rsi(ctx.params.period)
  if not rsi then return end
  local position = ctx.position()
  if position.quantity == 0 and #ctx.open_orders() == 0 and rsi < ctx.params.oversold then
    ctx.bracket {
      side = "buy",
      equity = ctx.params.fraction,
      stop_loss = bar.close * (1 - ctx.params.stop_pct),
      tag = "oversold",
    }
  elseif position.quantity > 0 and rsi > ctx.params.exit_level then
    ctx.cancel_all()       -- the bracket's stop leg
    ctx.close()
  end
end

function on_order(ctx, order)
  if order.status == "REJECTED" then
    ctx.log("warn", "order " .. order.id .. " rejected: " .. order.reason)
  end
end
