-- expect: ok
-- xpcall(loop, loop): C-stack overflow while handling an error (the shape
-- of CVE-2022-33099). Must fail cleanly.
local function loop()
  assert(pcall(loop))
end
local ok, message = xpcall(loop, loop)
assert(ok == false, "xpcall should fail")
assert(type(message) == "string")
