-- expect: memoryQuotaExceeded
-- Deep Lua recursion where every frame also holds 200 varargs.
local function f(...)
  return 1 + f(1, ...)
end
local args = {}
f(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20)
