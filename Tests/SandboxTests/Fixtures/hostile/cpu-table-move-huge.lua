-- expect: cpuQuotaExceeded
-- table.move of 2^50 (nil) elements: no allocation, pure C loop.
table.move({}, 1, 1 << 50, 2)
error("move should never finish")
