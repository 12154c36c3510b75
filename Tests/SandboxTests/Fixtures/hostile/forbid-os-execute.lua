-- expect: runtimeError: field 'execute'
-- os has only time/clock/date/difftime: none of the process or file calls.
for _, name in ipairs{"execute", "exit", "getenv", "remove", "rename", "tmpname", "setlocale"} do
  assert(os[name] == nil, "os." .. name .. " is reachable")
end
local seen = {}
for k in pairs(os) do seen[#seen + 1] = k end
assert(#seen == 4, "os has " .. #seen .. " fields")
os.execute("id")
