-- expect: runtimeError: cannot modify read-only table 'string'
-- Replacing a library function would change it for every string method call.
string.format = function() return "owned" end
