-- expect: ok
-- Published answers inside coroutines are the body's answers.
local co = coroutine.wrap(function()
  for i = 1, 10 do coroutine.yield(ctx.series(i)) end
end)
for i = 1, 10 do assert(co() == i * 2) end
local again = coroutine.wrap(function() return ctx.series(7), ctx.series(7, "B") end)
local a, b = again()
assert(a == 14 and b == 15)
