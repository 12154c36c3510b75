-- expect: runtimeError: '__mode' is not allowed
local cache = setmetatable({}, {__mode = "k"})
