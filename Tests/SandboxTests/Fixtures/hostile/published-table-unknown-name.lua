-- expect: runtimeError: unknown series 'Z'
-- A name the host never named goes to the body, which refuses it.
assert(ctx.record("B").label == "B" and ctx.record("B").label == "B")
ctx.record("Z")
