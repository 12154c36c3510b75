-- expect: runtimeError: cannot assign to read-only global 'print'
-- rawset on the environment must not shadow a provided global.
rawset(_G, "my_own", 1)         -- script globals are fine
assert(my_own == 1)
rawset(_G, "print", function() end)
