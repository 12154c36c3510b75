-- Differential test strategy: SMA fast/slow cross, always in the market
-- after the first cross. On each cross it closes the position and reverses
-- with an equity-fraction order, so the new side is sized at the fill price
-- with the cash the close left (scripts/differential/reference.py runs the
-- same rule in backtesting.py and backtrader).
strategy = {
  name = "Differential SMA cross long/short",
  description = "Close and reverse on every fast/slow SMA cross.",
  version = "1.0",
  params = {
    fast = { type = "integer", default = 10, min = 2, max = 500, description = "Fast SMA period" },
    slow = { type = "integer", default = 20, min = 3, max = 2000, description = "Slow SMA period" },
    fraction = { type = "number", default = 0.99, min = 0.000001, max = 1, description = "Equity fraction per entry" },
  },
}

local was_above = nil  -- nil until the slow mean exists: the first bar with both means only records the side

function on_bar(ctx, bar)
  local fast, slow = ta.sma(ctx.params.fast), ta.sma(ctx.params.slow)
  if not slow then return end
  local above = fast > slow
  if was_above ~= nil and above ~= was_above then
    ctx.close(bar.symbol)
    if above then
      ctx.buy { symbol = bar.symbol, equity = ctx.params.fraction }
    else
      ctx.sell { symbol = bar.symbol, equity = ctx.params.fraction }
    end
  end
  was_above = above
end
