-- expect: ok
-- Errors with strings, tables, levels and rethrow, caught normally.
local ok, err = pcall(error, "plain", 0)
assert(not ok and err == "plain")
ok, err = pcall(function() error("with position") end)
assert(not ok and string.sub(err, -13) == "with position" and #err > 13)
ok, err = pcall(function() error({code = 7, detail = {1, 2}}) end)
assert(not ok and err.code == 7 and err.detail[2] == 2)
ok, err = pcall(function() local x = nil; return x.field end)
assert(not ok and type(err) == "string")
ok, err = pcall(error)
assert(not ok and err == nil)
local function level2() error("at caller", 2) end
ok, err = pcall(function() level2() end)
assert(not ok and type(err) == "string")
-- xpcall with a handler that decorates the error.
ok, err = xpcall(function() error({code = 1}) end, function(e) e.handled = true; return e end)
assert(not ok and err.code == 1 and err.handled)
ok, err = xpcall(function(a, b) return a + b end, print, 2, 3)
assert(ok and err == 5)
-- Rethrow through nested pcalls keeps the same table.
local original = {id = "x"}
ok, err = pcall(function()
  local ok2, err2 = pcall(error, original)
  assert(not ok2 and err2 == original)
  error(err2)
end)
assert(err == original)
-- assert with a non-string message.
ok, err = pcall(assert, false, {reason = "table message"})
assert(not ok and err.reason == "table message")
ok, err = pcall(assert, nil)
assert(not ok and err == "assertion failed!")
-- Errors inside __close and __index are catchable.
ok, err = pcall(function()
  local x <close> = setmetatable({}, {__close = function() error("close failed", 0) end})
end)
assert(not ok and err == "close failed")
local strict = setmetatable({}, {__index = function(_, k) error("no field " .. k, 2) end})
ok, err = pcall(function() return strict.missing end)
assert(not ok and string.sub(err, -16) == "no field missing")
assert(select("#", pcall(function() return 1, 2, 3 end)) == 4)
