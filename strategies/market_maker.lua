-- A simple market maker: quote one bid and one ask around the mid, skewed
-- against the current inventory. Quotes rest until the mid moves by the quote
-- distance or a quote fills: a trade through a quote comes before the book
-- update and fills it, while requoting on every update would never leave a
-- quote in the market long enough to trade. Without a book (a backtest on
-- bars) it quotes around each bar's close instead.
strategy = {
  name = "Market maker",
  description = "Quotes both sides around the mid with an inventory skew; on book data, or bar closes without it.",
  version = "1.0",
  params = {
    half_spread_bps = { type = "number", default = 5, min = 0.5, max = 500, description = "Quote distance from mid (bps)" },
    size = { type = "number", default = 0.05, min = 0.000001, description = "Quote size (units)" },
    max_inventory = { type = "number", default = 0.5, min = 0, description = "Stop quoting the side that would exceed this" },
    skew_bps = { type = "number", default = 10, min = 0, max = 500, description = "Quote shift per unit of inventory (bps)" },
  },
}

local has_book = {}
local quoted_mid = {}   -- per symbol: the mid the resting quotes are around

function on_start(ctx)
  -- The deployment's symbols, as chosen at deploy time.
  for _, symbol in ipairs(ctx.symbols) do ctx.subscribe(symbol, { "book" }) end
end

local function quote(ctx, symbol, mid)
  local last = quoted_mid[symbol]
  if last and math.abs(mid - last) / last < ctx.params.half_spread_bps / 10000 then return end
  quoted_mid[symbol] = mid
  local inventory = ctx.position(symbol).quantity
  local skew = -inventory * ctx.params.skew_bps / 10000
  local half = ctx.params.half_spread_bps / 10000
  ctx.cancel_all(symbol)
  if inventory < ctx.params.max_inventory then
    ctx.buy { symbol = symbol, price = mid * (1 - half + skew), quantity = ctx.params.size, tif = "GTC", tag = "bid" }
  end
  if inventory > -ctx.params.max_inventory then
    ctx.sell { symbol = symbol, price = mid * (1 + half + skew), quantity = ctx.params.size, tif = "GTC", tag = "ask" }
  end
end

function on_book(ctx, book)
  local best_bid, best_ask = book.bids[1], book.asks[1]
  if not best_bid or not best_ask then return end
  has_book[book.symbol] = true
  quote(ctx, book.symbol, (best_bid.price + best_ask.price) / 2)
end

function on_bar(ctx, bar)
  if not has_book[bar.symbol] then quote(ctx, bar.symbol, bar.close) end
end

function on_fill(ctx, fill)
  quoted_mid[fill.symbol] = nil   -- inventory changed: requote with the new skew
end
