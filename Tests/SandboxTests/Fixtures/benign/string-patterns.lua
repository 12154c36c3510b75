-- expect: ok
-- Pattern matching with captures, anchors, classes, gsub with every kind of
-- replacement, gmatch, and frontier/balanced patterns.
local s, e = string.find("hello world", "o w")
assert(s == 5 and e == 7)
assert(string.find("a.b", ".", 1, true) == 2)
assert(string.find("abc", "b", -1) == nil)
local key, value = string.match("price = 42.5", "(%w+)%s*=%s*([%d%.]+)")
assert(key == "price" and value == "42.5")
assert(string.match("2024-01-15", "^(%d+)-(%d+)-(%d+)$") == "2024")
assert(select(3, string.match("2024-01-15", "^(%d+)-(%d+)-(%d+)$")) == "15")
assert(string.match("  trim  ", "^%s*(.-)%s*$") == "trim")
assert(string.match("key=val", "()=()") == 4)
local words = {}
for w in string.gmatch("one two  three", "%a+") do words[#words + 1] = w end
assert(#words == 3 and words[3] == "three")
local pairs_found = {}
for k, v in string.gmatch("a=1, b=2, c=3", "(%w+)=(%w+)") do pairs_found[k] = tonumber(v) end
assert(pairs_found.a == 1 and pairs_found.c == 3)
local r, n = string.gsub("hello world", "o", "0")
assert(r == "hell0 w0rld" and n == 2)
assert(string.gsub("abc", "%w", "%0%0") == "aabbcc")
assert(string.gsub("hello world", "(%w+) (%w+)", "%2 %1") == "world hello")
assert(string.gsub("$name is $age", "%$(%w+)", {name = "Ann", age = 30}) == "Ann is 30")
assert(string.gsub("1 2 3", "%d", function(d) return d * 2 end) == "2 4 6")
assert(string.gsub("abc", "", "-") == "-a-b-c-")
assert(select(2, string.gsub("aaa", "a", "b", 2)) == 2)
assert(string.match("THE (quick) fox", "%f[%a]%a+") == "THE")
assert(string.match("f(a(b)c)d", "%b()") == "(a(b)c)")
assert(("x"):rep(3, ",") == "x,x,x")
assert(string.rep("ab", 0) == "")
assert(not pcall(string.find, "x", "[a"))
assert(not pcall(string.find, "x", "(x"))
assert(not pcall(string.gsub, "x", "x", "%2"))
assert(string.find("a\0b", "\0", 1, true) == 2)
assert(string.match("caf\u{E9}", "^caf(.+)$") == "\u{E9}")
