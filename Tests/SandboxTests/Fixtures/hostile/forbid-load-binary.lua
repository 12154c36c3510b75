-- expect: ok
-- load() accepts text only: a binary signature is refused, and so is any
-- mode other than "t".
local fake = "\27Lua\84\0\25\147\r\n\26\n\4\8\8"
local f, err = load(fake)
assert(f == nil and type(err) == "string", "binary chunk accepted")
assert(not pcall(load, fake, "x", "b"), "mode b accepted")
assert(not pcall(load, fake, "x", "bt"), "mode bt accepted")
assert(not pcall(load, "return 1", "x", "b"), "mode b accepted for text")
-- A reader function (which could feed bytes piecewise) is not accepted.
local pieces = {fake}
assert(not pcall(load, function() return table.remove(pieces) end))
-- Text still works.
assert(load("return 1 + 1")() == 2)
