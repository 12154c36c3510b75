-- expect: memoryQuotaExceeded
-- string.pack "c<n>" pads byte by byte up to n = 2*10^9.
local packed = string.pack("c2000000000", "")
error("got " .. #packed .. " bytes")
