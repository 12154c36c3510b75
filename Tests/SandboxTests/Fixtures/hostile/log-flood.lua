-- expect: ok
-- Flood print/warn: the log budget per window bounds what reaches the
-- host; the harness checks the total.
local line = "0123456789"
for i = 1, 7 do line = line .. line end   -- 1280 bytes
for i = 1, 1000 do print(line, i) end
for i = 1, 1000 do warn(line) end
