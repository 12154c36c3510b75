-- expect: ok
-- Walk everything reachable from the environment and check that none of the
-- dangerous names are reachable, and that no library table is writable.
local forbidden = {
  io = true, debug = true, package = true, require = true, dofile = true,
  loadfile = true, loadstring = true, dump = true, execute = true, exit = true,
  getenv = true, remove = false, rename = true, tmpname = true, setlocale = true,
  close = false, getregistry = true, sethook = true, getupvalue = true,
  setupvalue = true, upvaluejoin = true, newproxy = true, setfenv = true,
  getfenv = true, module = true, rawlen = false,
}
local libraries = {"string", "table", "math", "utf8", "coroutine", "os"}
for _, name in ipairs(libraries) do
  local lib = _G[name]
  assert(type(lib) == "table", name)
  assert(next(lib) == nil, name .. " is not a proxy (next() sees its fields)")
  assert(getmetatable(lib) == "locked", name .. " metatable is reachable")
  for key, value in pairs(lib) do
    assert(forbidden[key] ~= true, name .. "." .. key .. " is reachable")
    if name == "coroutine" then assert(key ~= "close", "coroutine.close is reachable") end
  end
  assert(not pcall(function() lib.injected = 1 end), name .. " is writable")
  assert(not pcall(rawset, lib, "injected", 1), name .. " is writable with rawset")
  assert(lib.injected == nil)
end
for name in pairs(forbidden) do
  if forbidden[name] then
    assert(not pcall(function() return _G[name] end), name .. " is a global")
  end
end
assert(getmetatable(_G) == "locked")
assert(getmetatable("") == "locked")
assert(_G._G == _G and _ENV == _G)
