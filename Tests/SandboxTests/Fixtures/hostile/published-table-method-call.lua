-- expect: ok
-- ctx:record() passes the module first: the body skips it, so the C answer
-- (ctx.record()) and the body's agree field by field and in traversal order.
local function describe(t)
  local parts = {}
  for k, v in pairs(t) do parts[#parts + 1] = k .. "=" .. tostring(v) .. ":" .. (math.type(v) or type(v)) end
  return table.concat(parts, ",")
end
assert(describe(ctx.record()) == describe(ctx:record()))
assert(describe(ctx.record("B")) == describe(ctx:record("B")))
assert(describe(ctx.record()) == describe(ctx.record(nil)))
assert(ctx.record().quantity == 1.5 and math.type(ctx.record().quantity) == "float")
assert(ctx.record("B").label == "B" and ctx.record("B").quantity == -2.5)
