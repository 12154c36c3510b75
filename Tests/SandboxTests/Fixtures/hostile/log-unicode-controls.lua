-- expect: ok
-- C1 controls (8-bit CSI U+009B, NEL U+0085) and bidi overrides (U+202E) in
-- UTF-8 are terminal and log-viewer controls too; the harness checks that
-- none reaches the log sink unescaped.
print("price\u{9B}2J" .. "\u{85}" .. "fake line")
print("\u{202E}txt.exe")
print("\u{2028}line separator")
