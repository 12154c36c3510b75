-- expect: memoryQuotaExceeded
-- Millions of suspended coroutines, each with its own Lua stack.
local cs = {}
for i = 1, 1e9 do
  local co = coroutine.create(function(...) coroutine.yield(...) end)
  coroutine.resume(co, i, i, i, i, i, i, i, i)
  cs[i] = co
end
