-- expect: runtimeError: stack overflow
-- Nested coroutine.resume (not wrap), re-raising each failure.
local function nest(n)
  local co = coroutine.create(function() return nest(n + 1) end)
  local ok, err = coroutine.resume(co)
  if not ok then error(err, 0) end
  return err
end
nest(1)
