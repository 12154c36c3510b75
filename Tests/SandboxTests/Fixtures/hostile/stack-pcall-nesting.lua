-- expect: runtimeError: stack overflow
-- Every level is a pcall (a C call): the C stack limit must be an error,
-- not a crash, and re-raising it must work.
local function f(n)
  local ok, err = pcall(f, n + 1)
  if not ok then error(err, 0) end
end
f(1)
