-- A simple market maker on book data: quote one bid and one ask around the
-- mid, skewed against the current inventory, refreshed on every book update.
strategy = {
  name = "Market maker",
  description = "Quotes both sides around the mid with an inventory skew; needs book data.",
  version = "1.0",
  params = {
    half_spread_bps = { type = "number", default = 5, min = 0.5, max = 500, description = "Quote distance from mid (bps)" },
    size = { type = "number", default = 0.05, min = 0.000001, description = "Quote size (units)" },
    max_inventory = { type = "number", default = 0.5, min = 0, description = "Stop quoting the side that would exceed this" },
    skew_bps = { type = "number", default = 10, min = 0, max = 500, description = "Quote shift per unit of inventory (bps)" },
  },
}

function on_start(ctx)
  for _, symbol in ipairs(strategy.symbols or {}) do ctx.subscribe(symbol, { "book" }) end
end

function on_book(ctx, book)
  local best_bid, best_ask = book.bids[1], book.asks[1]
  if not best_bid or not best_ask then return end
  local mid = (best_bid.price + best_ask.price) / 2
  local inventory = ctx.position().quantity
  local skew = -inventory * ctx.params.skew_bps / 10000
  local half = ctx.params.half_spread_bps / 10000
  ctx.cancel_all()
  if inventory < ctx.params.max_inventory then
    ctx.buy { price = mid * (1 - half + skew), quantity = ctx.params.size, tif = "GTC", tag = "bid" }
  end
  if inventory > -ctx.params.max_inventory then
    ctx.sell { price = mid * (1 + half + skew), quantity = ctx.params.size, tif = "GTC", tag = "ask" }
  end
end
