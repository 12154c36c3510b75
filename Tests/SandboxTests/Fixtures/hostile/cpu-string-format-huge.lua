-- expect: cpuQuotaExceeded
-- string.format copying a 256 KiB argument four times per call, forever: the
-- garbage must be collected and the loop stopped by the CPU quota.
local s = "a"
for i = 1, 18 do s = s .. s end
while true do
  local r = string.format("%s%s%s%s", s, s, s, s)
  assert(#r == 4 * #s)
end
