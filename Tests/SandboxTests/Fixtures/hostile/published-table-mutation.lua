-- expect: ok
-- Every answer is a fresh table: changing one (fields, metatable) changes no later answer.
local first = ctx.record()
local again = ctx.record()
assert(first ~= again)
first.quantity = 99
first.label = nil
setmetatable(again, { __index = function() return "poison" end, __newindex = function() error("no") end })
local later = ctx.record()
assert(later.quantity == 1.5 and later.label == "A" and later.missing == nil and getmetatable(later) == nil)
