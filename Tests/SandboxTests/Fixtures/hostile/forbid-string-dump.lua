-- expect: runtimeError: field 'dump'
-- No string.dump (bytecode could be edited and loaded back).
assert(("x").dump == nil)
local f = function() return 1 end
string.dump(f)
