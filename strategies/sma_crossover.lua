-- SMA crossover: go long when the fast moving average crosses above the slow
-- one, go flat when it crosses back below. The classic trend follower.
strategy = {
  name = "SMA crossover",
  description = "Long when the fast SMA is above the slow SMA, flat otherwise.",
  version = "1.0",
  params = {
    fast = { type = "integer", default = 10, min = 2, max = 500, description = "Fast SMA period (bars)" },
    slow = { type = "integer", default = 30, min = 3, max = 2000, description = "Slow SMA period (bars)" },
    fraction = { type = "number", default = 0.95, min = 0.01, max = 1, description = "Fraction of equity to invest" },
  },
}

-- Per symbol: a deployment may trade several (ctx.symbols), each on its own.
local was_above = {}

function on_start(ctx)
  assert(ctx.params.fast < ctx.params.slow, "fast must be shorter than slow")
end

function on_bar(ctx, bar)
  -- ta.* are computed natively by the host over the bars it keeps.
  local fast, slow = ta.sma(ctx.params.fast), ta.sma(ctx.params.slow)
  if not slow then return end                 -- not enough history yet
  local above = fast > slow
  if above ~= was_above[bar.symbol] then
    local position = ctx.position().quantity
    if above and position <= 0 then
      -- The fraction is shared among the deployment's symbols.
      ctx.buy { equity = ctx.params.fraction / #ctx.symbols, tag = "cross-up" }
    elseif not above and position > 0 then
      ctx.close()
    end
  end
  was_above[bar.symbol] = above
end
