-- expect: memoryQuotaExceeded
-- Grow the hash part with fresh string keys.
local t = {}
local prefix = string.rep("k", 40)
for i = 1, 1e9 do t[prefix .. i] = i end
