-- Dollar-cost averaging: buy a fixed amount of quote currency at a regular
-- interval, whatever the price; optionally buy more after a drawdown.
strategy = {
  name = "DCA",
  description = "Buy a fixed quote amount every N bars; double it when the price is below its long average.",
  version = "1.0",
  params = {
    every = { type = "integer", default = 24, min = 1, max = 10000, description = "Bars between buys" },
    amount = { type = "number", default = 500, min = 1, description = "Quote currency per buy" },
    boost_below_sma = { type = "integer", default = 200, min = 0, max = 5000, description = "Double the buy below this SMA (0: off)" },
  },
}

function on_start(ctx)
  ctx.state.bars = ctx.state.bars or 0   -- survives restarts
end

function on_bar(ctx, bar)
  ctx.state.bars = ctx.state.bars + 1
  if ctx.state.bars % ctx.params.every ~= 0 then return end
  local amount = ctx.params.amount
  if ctx.params.boost_below_sma > 0 then
    local average = ta.sma(ctx.params.boost_below_sma)
    if average and bar.close < average then amount = amount * 2 end
  end
  if ctx.cash() >= amount * 1.01 then
    ctx.buy { notional = amount, tag = "dca" }
  end
end
