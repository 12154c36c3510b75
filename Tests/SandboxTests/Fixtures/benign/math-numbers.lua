-- expect: ok
-- Integer/float subtypes, conversions, integer division, bitwise ops, math.
assert(math.type(1) == "integer" and math.type(1.0) == "float" and math.type("1") == nil)
assert(1 == 1.0 and 3 / 2 == 1.5 and 3 // 2 == 1 and -3 // 2 == -2 and 3.0 // 2 == 1.0)
assert(7 % 3 == 1 and -7 % 3 == 2 and 7 % -3 == -2 and 5.5 % 2 == 1.5)
assert(2 ^ 10 == 1024.0 and math.type(2 ^ 2) == "float")
assert(0xFF & 0x0F == 0x0F and 0xF0 | 0x0F == 0xFF and 5 ~ 3 == 6 and ~0 == -1)
assert(1 << 62 == 4611686018427387904 and 1 << 64 == 0 and -1 >> 63 == 1)
assert(math.floor(-2.5) == -3 and math.ceil(-2.5) == -2 and math.type(math.floor(2.5)) == "integer")
assert(math.max(3, 9, -1) == 9 and math.min(3, 9, -1) == -1)
assert(math.abs(math.mininteger) == math.mininteger)
assert(math.tointeger(3.0) == 3 and math.tointeger(3.5) == nil)
assert(math.fmod(7, 3) == 1 and math.fmod(-7, 3) == -1)
local i, f = math.modf(3.75)
assert(i == 3.0 and f == 0.75)
assert(math.abs(math.sqrt(2) ^ 2 - 2) < 1e-12)
assert(math.abs(math.sin(math.pi / 2) - 1) < 1e-12)
assert(math.abs(math.log(math.exp(1)) - 1) < 1e-12 and math.log(8, 2) == 3.0)
assert(math.huge > math.maxinteger and -math.huge < math.mininteger)
assert(0/0 ~= 0/0)
assert(string.format("%.1f", 0.1 + 0.2) == "0.3")
math.randomseed(7)
local a, b = math.random(1, 100), math.random()
math.randomseed(7)
assert(math.random(1, 100) == a and math.random() == b)
for _ = 1, 100 do local r = math.random(5, 10); assert(r >= 5 and r <= 10) end
local sum = 0
for k = 1, 100000 do sum = sum + k end
assert(sum == 5000050000)
local acc = 0.0
for x = 0, 1, 0.25 do acc = acc + x end
assert(acc == 2.5)
