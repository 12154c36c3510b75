-- expect: cpuQuotaExceeded
-- table.insert at position 1 shifts #t elements up; __len claims 2^53.
-- Shifting nils allocates nothing, so only CPU polling can stop it.
local t = setmetatable({}, {__len = function() return 1 << 53 end})
table.insert(t, 1, "x")
error("insert should never finish")
