-- expect: memoryQuotaExceeded
-- string.rep with a separator: 2^22 copies of a 3-byte string joined by a
-- 2-byte separator is ~20 MiB, more than the quota but not "too large".
local s = string.rep("abc", 1 << 22, ", ")
error("got a string of " .. #s .. " bytes")
