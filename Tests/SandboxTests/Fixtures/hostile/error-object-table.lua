-- expect: runtimeError: (error object is a table value)
-- A table error object without __tostring reaching the host.
error({code = 42, reason = "custom"})
