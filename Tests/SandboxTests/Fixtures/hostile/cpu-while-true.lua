-- expect: cpuQuotaExceeded
-- The plainest attack: spin forever in the main chunk.
while true do end
