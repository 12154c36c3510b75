-- Prints moving-average crossover signals as bars arrive. A sandbox demo:
-- it places no orders, it only shows a strategy reacting to data.
--
-- Try: lunar replay strategies/signal_printer.lua --data data/sample-btcusd-1h.csv

local FAST, SLOW = 12, 48
local closes = {}
local above = nil
local signals = 0

local function average(n)
  local sum = 0
  for i = #closes - n + 1, #closes do sum = sum + closes[i] end
  return sum / n
end

function on_bar(ctx, bar)
  closes[#closes + 1] = bar.close
  if #closes > SLOW then table.remove(closes, 1) end
  if #closes < SLOW then return end
  local fast, slow = average(FAST), average(SLOW)
  local now_above = fast > slow
  if above ~= nil and now_above ~= above then
    signals = signals + 1
    if signals <= 20 then
      print(string.format("%s  %-4s  close %.2f  fast %.2f  slow %.2f",
        os.date("%Y-%m-%d %H:%M", bar.time), now_above and "BUY" or "SELL", bar.close, fast, slow))
    elseif signals == 21 then
      print("... (further signals not printed)")
    end
  end
  above = now_above
end
