-- expect: cpuQuotaExceeded
-- table.remove(t, 1) shifts #t elements down; __len claims 2^53.
local t = setmetatable({}, {__len = function() return 1 << 53 end})
table.remove(t, 1)
error("remove should never finish")
