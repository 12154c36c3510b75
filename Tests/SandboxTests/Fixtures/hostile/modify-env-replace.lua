-- expect: ok
-- A script may bind its own _ENV locally (legal Lua), but that must not
-- affect the libraries or what other chunks see.
do
  local _ENV = {print = print, assert = assert}
  string = "shadowed"       -- a field of the local table only
  assert(string == "shadowed")
end
assert(type(string) == "table")
assert(string.format("%d", 1) == "1")
local f = load("return type(string)")
assert(f() == "table")
