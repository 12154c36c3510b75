-- expect: runtimeError: field 'close'
-- coroutine.close is not offered.
local co = coroutine.create(function() coroutine.yield() end)
coroutine.resume(co)
coroutine.close(co)
