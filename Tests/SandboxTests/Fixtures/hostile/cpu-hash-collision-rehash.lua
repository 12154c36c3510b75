-- expect: cpuQuotaExceeded
-- known-limit: 6 a table rehash of colliding integer keys is one VM instruction: O(n^2), bounded only by the memory quota; see docs/sandbox.md
-- Integer keys hash as key % ((2^k - 1) | 1), with no seed. 32769 multiples
-- of 65535 all collide once the hash part grows to 2^16 nodes, so the single
-- rehash triggered by the 32769th key re-inserts 32768 keys into one chain:
-- ~5*10^8 chain steps inside one VM instruction (about 1 s here), with ~2 MB
-- of memory. No hook or poll runs until it ends. The cost is quadratic in
-- the table size: 65537 multiples of 131071 take ~4 s within an 8 MiB quota,
-- and the default 16 MiB quota allows a 2^18-node table (~16 s).
local t = {}
local m = 65535
for i = 1, 32769 do t[i * m] = true end
-- Keep inserting: every further insert walks the whole chain.
for i = 32770, 1e9 do t[i * m] = true end
