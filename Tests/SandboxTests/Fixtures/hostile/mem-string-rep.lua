-- expect: memoryQuotaExceeded
-- One string.rep call asking for 1 GiB.
local s = string.rep("x", 1 << 30)
error("got a string of " .. #s .. " bytes")
