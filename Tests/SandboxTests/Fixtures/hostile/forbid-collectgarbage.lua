-- expect: runtimeError: only "count"
-- Only collectgarbage("count") is offered.
assert(type(collectgarbage("count")) == "number")
for _, option in ipairs{"stop", "restart", "step", "incremental", "generational", "isrunning", "setpause"} do
  assert(not pcall(collectgarbage, option), option .. " accepted")
end
collectgarbage("collect")
