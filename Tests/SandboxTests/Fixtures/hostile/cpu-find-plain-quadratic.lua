-- expect: cpuQuotaExceeded
-- A plain (no pattern) find whose naive search is quadratic: a 2 MiB
-- haystack of 'a' and a 512 KiB needle of 'a' ending in 'b'. About 10^12
-- byte comparisons in one C call.
local hay = "a"
for i = 1, 21 do hay = hay .. hay end           -- 2 MiB
local needle = string.sub(hay, 1, 512 * 1024) .. "b"
string.find(hay, needle, 1, true)
error("the search should never finish")
