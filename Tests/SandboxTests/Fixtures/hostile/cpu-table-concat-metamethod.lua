-- expect: cpuQuotaExceeded
-- table.concat over a virtual table: every element comes from __index, and
-- __index is a C function (rawlen -> 0), so no VM instruction runs while
-- concat loops over 10^12 elements, growing the buffer one byte each.
local virtual = setmetatable({}, {__index = rawlen})
table.concat(virtual, "", 1, 1000000000000)
error("concat should never finish")
