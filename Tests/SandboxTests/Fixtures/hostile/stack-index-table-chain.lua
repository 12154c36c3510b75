-- expect: runtimeError: chain too long
-- A cycle of __index tables: the VM's loop limit, not recursion.
local a, b = {}, {}
setmetatable(a, {__index = b})
setmetatable(b, {__index = a})
local x = a.missing
