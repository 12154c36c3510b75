-- expect: runtimeError: unknown global 'require'
-- No module system: neither package nor require.
assert(not pcall(function() return package end))
require("os")
