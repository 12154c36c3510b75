-- expect: runtimeError: cannot assign to read-only global 'string'
-- Shadowing a library name with a global assignment.
string = {format = function() return "owned" end}
