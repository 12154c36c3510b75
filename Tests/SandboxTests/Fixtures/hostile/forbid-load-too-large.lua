-- expect: runtimeError: exceeds the limit
-- load() refuses chunks above the source limit (1 MiB by default).
local s = "-"
for i = 1, 21 do s = s .. s end   -- 2 MiB of '-'
local f = load("--" .. s)
