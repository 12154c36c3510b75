-- expect: cpuQuotaExceeded
-- The error object's __tostring spins. The host's message handler calls
-- __tostring while reporting the error; that must run under the quota too.
error(setmetatable({}, {__tostring = function() while true do end end}))
