-- Bollinger breakout: enter long when the close breaks above the upper band,
-- exit when it falls back below the middle band. Uses ATR for a trailing stop.
strategy = {
  name = "Bollinger breakout",
  description = "Long on a close above the upper Bollinger band; exit at the middle band or an ATR stop.",
  version = "1.0",
  params = {
    period = { type = "integer", default = 20, min = 5, max = 500, description = "Band period" },
    width = { type = "number", default = 2.0, min = 0.5, max = 5, description = "Band width in standard deviations" },
    atr_stop = { type = "number", default = 3.0, min = 0.5, max = 10, description = "Stop distance in ATRs" },
    fraction = { type = "number", default = 0.9, min = 0.01, max = 1, description = "Fraction of equity to invest" },
  },
}

local stop_id = nil

function on_bar(ctx, bar)
  local upper, middle, lower = ta.bollinger(ctx.params.period, ctx.params.width)
  local atr = ta.atr(14)
  if not upper or not atr then return end
  local position = ctx.position().quantity
  if position == 0 and bar.close > upper and #ctx.open_orders() == 0 then
    ctx.buy { equity = ctx.params.fraction, tag = "breakout" }
  elseif position > 0 then
    if bar.close < middle then
      ctx.cancel_all()
      ctx.close()
      stop_id = nil
    else
      -- Trail the stop: replace keeps the order id.
      local stop = bar.close - ctx.params.atr_stop * atr
      if stop_id then
        ctx.replace(stop_id, { trigger = stop })
      else
        stop_id = ctx.sell { trigger = stop, quantity = position, reduce_only = true, tag = "trail" }
      end
    end
  end
end

function on_fill(ctx, fill)
  if fill.tag == "trail" then stop_id = nil end
end
