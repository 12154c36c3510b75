-- expect: runtimeError: unknown global 'dofile'
dofile("/etc/passwd")
