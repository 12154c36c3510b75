-- expect: cpuQuotaExceeded
-- Unpack 100000 elements of a virtual table (C __index) again and again.
local virtual = setmetatable({}, {__index = rawlen})
assert(select('#', table.unpack(virtual, 1, 100000)) == 100000)
-- Too many results must be an error, not a crash.
assert(not pcall(table.unpack, {}, 1, 1 << 40))
assert(not pcall(table.unpack, {}, math.mininteger, math.maxinteger))
while true do
  select('#', table.unpack(virtual, 1, 100000))
end
