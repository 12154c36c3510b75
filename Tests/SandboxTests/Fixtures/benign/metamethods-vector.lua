-- expect: ok
-- Operator metamethods, __call, __len, __close, __index/__newindex proxies.
local V = {}
V.__index = V
local function vec(x, y) return setmetatable({x = x, y = y}, V) end
V.__add = function(a, b) return vec(a.x + b.x, a.y + b.y) end
V.__sub = function(a, b) return vec(a.x - b.x, a.y - b.y) end
V.__mul = function(a, b)
  if type(a) == "number" then return vec(a * b.x, a * b.y) end
  if type(b) == "number" then return vec(a.x * b, a.y * b) end
  return a.x * b.x + a.y * b.y
end
V.__unm = function(a) return vec(-a.x, -a.y) end
V.__eq = function(a, b) return a.x == b.x and a.y == b.y end
V.__len = function(a) return math.sqrt(a.x * a.x + a.y * a.y) end
V.__tostring = function(a) return "(" .. a.x .. ", " .. a.y .. ")" end
V.__call = function(a, k) return a[k] end
V.__idiv = function(a, n) return vec(a.x // n, a.y // n) end
V.__band = function(a, b) return vec(a.x & b.x, a.y & b.y) end
local a, b = vec(3, 4), vec(1, 2)
assert(a + b == vec(4, 6) and a - b == vec(2, 2) and -a == vec(-3, -4))
assert(a * b == 11 and 2 * a == vec(6, 8) and a * 2 == vec(6, 8))
assert(#a == 5.0 and tostring(a) == "(3, 4)" and a("x") == 3)
assert(vec(7, 9) // 2 == vec(3, 4) and (vec(6, 5) & vec(3, 3)) == vec(2, 1))
-- A read-only proxy with change tracking.
local function readonly(t)
  return setmetatable({}, {
    __index = t,
    __newindex = function(_, k) error("read-only field " .. tostring(k), 2) end,
    __len = function() return #t end,
    __pairs = function() return next, t, nil end,
  })
end
local ro = readonly({10, 20, 30})
assert(ro[2] == 20 and #ro == 3)
assert(not pcall(function() ro[1] = 0 end))
local total = 0
for _, v in pairs(ro) do total = total + v end
assert(total == 60)
-- Scoped cleanup with __close, in order, also on error.
local log = {}
local function resource(name) return setmetatable({}, {__close = function() log[#log + 1] = name end}) end
do
  local r1 <close> = resource("first")
  local r2 <close> = resource("second")
end
assert(log[1] == "second" and log[2] == "first")
pcall(function() local r3 <close> = resource("third"); error("boom") end)
assert(log[3] == "third")
