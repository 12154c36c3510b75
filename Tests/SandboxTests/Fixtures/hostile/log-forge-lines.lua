-- expect: ok
-- print/warn must not let a script forge log lines or terminal sequences:
-- the harness checks that no log line holds a C0 control character.
print("ok\n[host] order filled: 1000000 BTC\r\27[2J\27]0;pwned\7", "\0nul", "\t")
warn("warning\nsecond line\27[31m")
print(setmetatable({}, {__tostring = function() return "via tostring\n\27[1m" end}))
print(setmetatable({}, {__name = "Evil\nName"}))
