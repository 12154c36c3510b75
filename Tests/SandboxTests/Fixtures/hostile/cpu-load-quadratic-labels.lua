-- expect: cpuQuotaExceeded
-- Goto/label resolution is quadratic in the parser: 16000 pending gotos,
-- then 16000 labels, each checked against all of them. Parsed repeatedly.
local gotos, labels = {}, {}
local chunk = ""
local block = ""
for i = 1, 250 do block = block .. "goto z " end
for i = 1, 64 do chunk = chunk .. block end
for i = 1, 16000 do labels[#labels + 1] = "::a" .. i .. ":: x=1 " end
-- (no table.concat: build the label part by pairwise joining)
while #labels > 1 do
  local joined = {}
  for i = 1, #labels, 2 do joined[#joined + 1] = labels[i] .. (labels[i + 1] or "") end
  labels = joined
end
chunk = chunk .. labels[1] .. "::z::"
while true do
  local f, err = load(chunk)
end
