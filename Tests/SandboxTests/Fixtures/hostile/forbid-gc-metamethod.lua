-- expect: runtimeError: '__gc' is not allowed
-- Finalizers would run script code at arbitrary times (e.g. inside lua_close).
local t = setmetatable({}, {__gc = function() while true do end end})
