-- expect: cpuQuotaExceeded
-- A to-be-closed variable whose __close spins when the main chunk ends.
local guard <close> = setmetatable({}, {__close = function() while true do end end})
