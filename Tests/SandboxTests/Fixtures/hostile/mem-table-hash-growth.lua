-- expect: memoryQuotaExceeded
-- Grow the hash part with fresh string keys.
local t = {}
-- Long keys fill the memory quota in ~10^5 inserts, leaving the time quotas
-- far away (with 40-byte keys the fixture failed its expectation once in a
-- full parallel test run; its outcome was not recorded).
local prefix = string.rep("k", 400)
for i = 1, 1e9 do t[prefix .. i] = i end
