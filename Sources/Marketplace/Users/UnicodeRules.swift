import Foundation

/// The Unicode rules for names and public text: characters that render as
/// nothing or reorder what is around them are how an impostor looks like
/// someone else ("admin\u{200B}") or a title hides what it says. Each check
/// throws `invalid(field:rule:)` naming the rule.
enum UnicodeRules {
    static let maximumCombiningMarks = 4

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }

    /// Embeddings and overrides (U+202A–U+202E) and isolates (U+2066–U+2069).
    static func isBidiControl(_ scalar: Unicode.Scalar) -> Bool {
        (0x202A...0x202E).contains(scalar.value) || (0x2066...0x2069).contains(scalar.value)
    }

    /// Zero-width space, non-joiner, joiner, word joiner, and the BOM.
    static func isZeroWidth(_ scalar: Unicode.Scalar) -> Bool {
        (0x200B...0x200D).contains(scalar.value) || scalar.value == 0x2060 || scalar.value == 0xFEFF
    }

    static func isCombiningMark(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .spacingMark, .enclosingMark: true
        default: false
        }
    }

    /// Refuses control characters (newline and tab only when `allowLineBreaks`),
    /// NUL included, bidirectional controls and zero-width characters.
    static func checkInvisible(_ value: String, field: String, allowLineBreaks: Bool) throws(StoreError) {
        for scalar in value.unicodeScalars {
            if isControl(scalar) && !(allowLineBreaks && (scalar == "\n" || scalar == "\t")) {
                throw StoreError.invalid(field: field, rule: allowLineBreaks
                    ? "must not contain control characters (other than newline and tab)" : "must not contain control characters")
            }
            if isBidiControl(scalar) {
                throw StoreError.invalid(field: field, rule: "must not contain bidirectional controls (U+202A–U+202E, U+2066–U+2069)")
            }
            if isZeroWidth(scalar) {
                throw StoreError.invalid(field: field, rule: "must not contain zero-width characters (U+200B–U+200D, U+2060, U+FEFF)")
            }
        }
    }

    /// At most `maximumCombiningMarks` combining marks in a row ("Zalgo" text
    /// that spills over the lines around it).
    static func checkCombiningMarks(_ value: String, field: String) throws(StoreError) {
        var run = 0
        for scalar in value.unicodeScalars {
            run = isCombiningMark(scalar) ? run + 1 : 0
            if run > maximumCombiningMarks {
                throw StoreError.invalid(field: field,
                                         rule: "must not stack more than \(maximumCombiningMarks) combining marks on one character")
            }
        }
    }

    static func nfc(_ value: String) -> String { value.precomposedStringWithCanonicalMapping }
}

/// How usernames and emails are compared: NFC, trimmed, lower-cased
/// (Unicode, not only ASCII), NFC again. Stored in `users.username_key` and
/// `users.email_key` under unique indexes (migration 016), so "Éve" typed
/// precomposed, decomposed or upper-case is one name.
public enum IdentityKey {
    public static func make(_ value: String) -> String {
        UnicodeRules.nfc(UnicodeRules.nfc(value).trimmingCharacters(in: .whitespaces).lowercased())
    }
}

extension InputRules {
    /// A listing title or review text: NFC, the invisible-character rules,
    /// then the length and the combining-mark cap.
    static func publicText(_ value: String, field: String, length: ClosedRange<Int>, multiline: Bool) throws(StoreError) -> String {
        let normalized = UnicodeRules.nfc(value)
        try UnicodeRules.checkInvisible(normalized, field: field, allowLineBreaks: multiline)
        let text = try InputRules.text(normalized, field: field, length: length)
        try UnicodeRules.checkCombiningMarks(text, field: field)
        return text
    }
}

extension Schema {
    /// Normalized keys for usernames and emails, unique, backfilled in Swift
    /// (SQLite's `lower()` folds ASCII only). Should two existing rows share a
    /// key, the later keeps a unique `#id`-suffixed key: it still signs in by
    /// its other alias and nothing is lost.
    static let identityKeys = Migration(name: "016-identity-keys", sql: """
        ALTER TABLE users ADD COLUMN username_key TEXT;
        ALTER TABLE users ADD COLUMN email_key TEXT;
        """, backfill: { (connection) throws(StoreError) in
            let rows = try connection.rows("SELECT id, username, email FROM users ORDER BY id") { ($0.int64(0), $0.text(1), $0.text(2)) }
            var usernames = Set<String>()
            var emails = Set<String>()
            for (id, username, email) in rows {
                var usernameKey = IdentityKey.make(username)
                var emailKey = IdentityKey.make(email)
                if !usernames.insert(usernameKey).inserted { usernameKey += "#\(id)" }
                if !emails.insert(emailKey).inserted { emailKey += "#\(id)" }
                try connection.run("UPDATE users SET username_key = ?, email_key = ? WHERE id = ?", [usernameKey, emailKey, id])
            }
            try connection.execute("""
                CREATE UNIQUE INDEX users_username_key ON users(username_key);
                CREATE UNIQUE INDEX users_email_key ON users(email_key);
                """)
        })
}
