-- expect: cpuQuotaExceeded
-- Sort a virtual array of 2^31-2 elements: __index and __newindex are C
-- functions (rawlen reads 0, rawequal discards writes), so the sort runs
-- O(n log n) comparisons without a VM instruction or an allocation.
local t = setmetatable({}, {
  __len = function() return 2147483646 end,
  __index = rawlen,
  __newindex = rawequal,
})
table.sort(t)
error("sort should never finish")
