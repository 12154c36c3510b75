-- expect: ok
-- Deeply nested source handed to load(): the parser's nesting limit must
-- refuse it cleanly (load returns nil and a message).
local function nested(open, middle, close, depth)
  local a, b = "", ""
  for i = 1, depth do a = a .. open; b = b .. close end
  return a .. middle .. b
end
local function contains(s, sub)
  for i = 1, #s - #sub + 1 do
    if string.sub(s, i, i + #sub - 1) == sub then return true end
  end
  return false
end
local cases = {
  "return " .. nested("(", "1", ")", 1000),
  "return " .. nested("{", "", "}", 1000),
  nested("do ", "", " end", 1000),
  "return " .. nested("- ", "1", "", 1000),
  "return " .. nested("not ", "1", "", 1000),
  "return " .. nested("f(", "", ")", 1000),
  "local x = " .. nested("function() return ", "1", " end", 1000),
  "return 1" .. nested(" .. 1", "", "", 1000),
  "return 2" .. nested("^2", "", "", 1000),
}
for i, source in ipairs(cases) do
  local f, err = load(source)
  assert(f == nil, "case " .. i .. " compiled")
  assert(type(err) == "string" and (contains(err, "overflow") or contains(err, "levels")
    or contains(err, "too many") or contains(err, "too complex")), "case " .. i .. ": " .. tostring(err))
end
