-- expect: runtimeError: cannot modify a read-only table
-- rawset bypasses __newindex; the sandbox's rawset must refuse proxies.
rawset(string, "format", function() return "owned" end)
