-- expect: runtimeError: unknown global 'loadfile'
loadfile("/etc/passwd")
