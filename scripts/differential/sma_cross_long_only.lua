-- Differential test strategy: SMA fast/slow cross, long only. Buys a
-- fraction of equity when the fast mean crosses above the slow one (sized at
-- the fill price), closes when it crosses back below.
-- Standalone, like sma_cross_long_short.lua (a sandboxed script has no
-- require): each file is exactly what `lunar backtest` runs for its cases.
strategy = {
  name = "Differential SMA cross long-only",
  description = "Buy on a cross up, close on a cross down.",
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
    local holding = ctx.position(bar.symbol).quantity
    if above and holding == 0 then
      ctx.buy { symbol = bar.symbol, equity = ctx.params.fraction }
    elseif not above and holding > 0 then
      ctx.close(bar.symbol)
    end
  end
  was_above = above
end
