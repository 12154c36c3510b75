-- expect: memoryQuotaExceeded
-- Double a string until the heap is full.
local s = "x"
while true do s = s .. s end
