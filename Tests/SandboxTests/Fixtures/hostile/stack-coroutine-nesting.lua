-- expect: runtimeError: stack overflow
-- Each coroutine resumes the next one: C-level nesting through lua_resume.
local function nest(n)
  return coroutine.wrap(function() return nest(n + 1) end)()
end
nest(1)
