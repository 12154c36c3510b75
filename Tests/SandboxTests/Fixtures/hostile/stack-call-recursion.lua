-- expect: runtimeError: stack overflow
-- __call whose body calls the object again through pcall (C frames).
local obj
obj = setmetatable({}, {__call = function(self, n)
  local ok, err = pcall(self, n + 1)
  if not ok then error(err, 0) end
end})
obj(1)
