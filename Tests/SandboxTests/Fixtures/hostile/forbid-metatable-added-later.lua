-- expect: ok
-- Add __mode and __gc to a metatable after setmetatable: the VM must keep
-- using the copy taken at setmetatable time, so neither takes effect.
local gc_ran = false
local mt = {}
local weak = setmetatable({}, mt)
mt.__mode = "kv"
mt.__gc = function() gc_ran = true end
mt.__concat = function() return "concat ran" end
assert(getmetatable(weak) == mt, "getmetatable should return the script's table")
-- Only collectable keys/values can disappear from a weak table.
weak[{}] = "key"
weak.value = {}
-- Force several GC cycles by churning memory (collectgarbage is not available).
for round = 1, 8 do
  local junk = {}
  for i = 1, 5000 do junk[i] = {i} end
end
local keys = 0
for k, v in pairs(weak) do keys = keys + 1 end
assert(keys == 2, "table became weak: " .. keys .. " entries left")
assert(weak.value ~= nil, "value collected")
assert(not gc_ran, "__gc ran")
assert(not pcall(function() return weak .. "x" end), "__concat ran")
-- The same through rawset on the metatable, and through __index tables.
rawset(mt, "__mode", "k")
local proto = {}
local obj = setmetatable({}, {__index = proto})
proto.__mode = "k"
obj[{}] = 1
for round = 1, 8 do local junk = {} for i = 1, 5000 do junk[i] = {i} end end
local n = 0
for k in pairs(obj) do n = n + 1 end
assert(n == 1, "object became weak")
