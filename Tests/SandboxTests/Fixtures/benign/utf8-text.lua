-- expect: ok
-- The utf8 library on multi-byte text.
local s = "h\u{E9}llo \u{4E16}\u{754C} \u{1F600}"
assert(utf8.len(s) == 10)
assert(#s == 18)
local cps = {}
for p, c in utf8.codes(s) do cps[#cps + 1] = c end
assert(#cps == 10 and cps[2] == 0xE9 and cps[10] == 0x1F600)
assert(utf8.char(72, 0xE9, 0x4E16) == "H\u{E9}\u{4E16}")
assert(utf8.codepoint(s, 1) == 104)
assert(select("#", utf8.codepoint(s, 1, -1)) == 10)
assert(utf8.offset(s, 3) == 4)
assert(utf8.offset(s, -1) == #s - 3)
local bad = "ok\xFFbad"
local n, pos = utf8.len(bad)
assert(n == nil and pos == 3)
assert(not pcall(utf8.codepoint, bad, 1, -1))
assert(type(utf8.charpattern) == "string")
local reversed = ""
for _, c in utf8.codes("abc\u{E9}") do reversed = utf8.char(c) .. reversed end
assert(reversed == "\u{E9}cba")
