-- expect: ok
-- Ask for far more distinct keys than the sandbox publishes (1,024): past
-- the limit the body answers, every answer stays right, and the entries'
-- memory stays under the quota.
for i = 1, 1500 do
  assert(ctx.series(i) == i * 2)
  assert(ctx.series(i) == i * 2)
  assert(ctx.series(i + 0.5, "B") == (i + 0.5) * 2 + 1)
end
