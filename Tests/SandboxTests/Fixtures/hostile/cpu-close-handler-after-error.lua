-- expect: cpuQuotaExceeded
-- __close spins while an ordinary error unwinds the main chunk.
local guard <close> = setmetatable({}, {__close = function() while true do end end})
error("unwind through the close handler")
