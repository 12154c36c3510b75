-- expect: ok
-- A trading-strategy-shaped script: rolling windows with the table library,
-- moving averages, crossovers and a position book.
local prices = {}
for i = 1, 200 do prices[i] = 100 + 10 * math.sin(i / 10) + (i % 7) * 0.1 end
local function sma(window, n)
  local q, sum = {}, 0
  return function(price)
    table.insert(q, price); sum = sum + price
    if #q > n then sum = sum - table.remove(q, 1) end
    if #q == n then return sum / n end
  end
end
local fast, slow = sma({}, 5), sma({}, 20)
local signals, position, cash = {}, 0, 10000
local last_fast, last_slow
for i, p in ipairs(prices) do
  local f, s = fast(p), slow(p)
  if f and s and last_fast and last_slow then
    if last_fast <= last_slow and f > s then
      signals[#signals + 1] = string.format("%d:buy@%.2f", i, p)
      position = position + 10; cash = cash - 10 * p
    elseif last_fast >= last_slow and f < s and position > 0 then
      signals[#signals + 1] = string.format("%d:sell@%.2f", i, p)
      cash = cash + position * p; position = 0
    end
  end
  last_fast, last_slow = f, s
end
assert(#signals >= 2, "expected crossovers")
local summary = table.concat(signals, " ")
assert(#summary > 0)
local sorted = table.move(prices, 1, #prices, 1, {})
table.sort(sorted)
assert(sorted[1] <= sorted[#sorted] and #sorted == 200)
local median = (sorted[100] + sorted[101]) / 2
assert(median > 90 and median < 110)
local packed = table.pack(table.unpack(sorted, 1, 10))
assert(packed.n == 10)
