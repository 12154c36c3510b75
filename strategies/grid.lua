-- Grid: keep buy limits below and sell limits above a reference price, at a
-- fixed spacing; each filled buy is paired with a sell one step higher.
-- Profits from oscillation in a range; bleeds in a strong trend.
strategy = {
  name = "Grid",
  description = "Ladder of limit orders around a reference price; each filled buy re-sells one step up.",
  version = "1.0",
  params = {
    levels = { type = "integer", default = 5, min = 1, max = 50, description = "Buy levels below the reference" },
    spacing_pct = { type = "number", default = 0.01, min = 0.001, max = 0.2, description = "Distance between levels" },
    quote_per_level = { type = "number", default = 1000, min = 1, description = "Quote currency per level" },
  },
}

local function build_grid(ctx, reference)
  ctx.cancel_all()
  ctx.state.reference = reference
  for i = 1, ctx.params.levels do
    local price = reference * (1 - i * ctx.params.spacing_pct)
    ctx.buy { price = price, notional = ctx.params.quote_per_level, tag = "grid-buy" }
  end
end

function on_bar(ctx, bar)
  local reference = ctx.state.reference
  -- (Re)build when there is no grid, or the price left it far behind.
  if not reference or math.abs(bar.close / reference - 1) > ctx.params.spacing_pct * (ctx.params.levels + 2) then
    if ctx.position().quantity == 0 then build_grid(ctx, bar.close) end
  end
end

function on_fill(ctx, fill)
  if fill.tag == "grid-buy" then
    ctx.sell { price = fill.price * (1 + ctx.params.spacing_pct), quantity = fill.quantity,
               reduce_only = true, tag = "grid-sell" }
  elseif fill.tag == "grid-sell" then
    ctx.buy { price = fill.price * (1 - ctx.params.spacing_pct), notional = ctx.params.quote_per_level,
              tag = "grid-buy" }
  end
end
