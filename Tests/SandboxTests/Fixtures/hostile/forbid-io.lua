-- expect: runtimeError: unknown global 'io'
-- No io library, by any route.
assert(rawget(_G, "io") == nil)
assert(rawget(_ENV, "io") == nil)
assert(not pcall(function() return _G.io end))
for k in pairs(_G) do assert(k ~= "io") end
io.open("/etc/passwd"):read("a")
