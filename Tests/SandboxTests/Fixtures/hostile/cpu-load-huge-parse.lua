-- expect: cpuQuotaExceeded
-- Parse a ~900 KB generated chunk again and again: the parser itself must
-- be stopped (load reads the chunk in pieces and polls between them).
local line = "local a = (1 + 2) * 3 - 4 / 5 % 6 ^ 7 .. 'x' .. \"y\" if a then a = {a, a, {a}} end\n"
local chunk = line
while #chunk < 900 * 1024 do chunk = chunk .. chunk end
chunk = string.sub(chunk, 1, 900 * 1024)
chunk = "do " .. chunk .. " end"
while true do
  local f, err = load(chunk)
end
