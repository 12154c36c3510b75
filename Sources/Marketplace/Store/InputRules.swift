/// Input checks shared by every operation; each throws
/// `StoreError.invalid(field:rule:)` naming the field and the rule.
enum InputRules {
    /// Trimmed text with a length (in characters) in `range`.
    static func text(_ value: String, field: String, length range: ClosedRange<Int>) throws(StoreError) -> String {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        guard range.contains(trimmed.count) else {
            throw StoreError.invalid(field: field, rule: "must be \(range.lowerBound) to \(range.upperBound) characters")
        }
        guard !trimmed.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\n" && $0 != "\t" }) else {
            throw StoreError.invalid(field: field, rule: "must not contain control characters")
        }
        return trimmed
    }

    static func username(_ value: String) throws(StoreError) -> String {
        try UnicodeRules.checkInvisible(value, field: "username", allowLineBreaks: false)
        guard (3...32).contains(value.count),
              value.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" || $0 == ".") }) else {
            throw StoreError.invalid(field: "username", rule: "must be 3 to 32 ASCII letters, digits, '_', '-' or '.'")
        }
        return value
    }

    /// NFC-normalized; compared by `IdentityKey`.
    static func email(_ value: String) throws(StoreError) -> String {
        let value = UnicodeRules.nfc(value)
        try UnicodeRules.checkInvisible(value, field: "email", allowLineBreaks: false)
        let parts = value.split(separator: "@", omittingEmptySubsequences: false)
        guard value.count <= 254, parts.count == 2, !parts[0].isEmpty, parts[1].contains("."),
              !value.contains(where: { $0.isWhitespace }) else {
            throw StoreError.invalid(field: "email", rule: "must look like name@example.com (at most 254 characters)")
        }
        return value
    }

    static func reason(_ value: String, field: String = "reason") throws(StoreError) -> String {
        try text(value, field: field, length: 3...1_000)
    }

    /// ISO 4217-style: three uppercase ASCII letters.
    static func currency(_ value: String) throws(StoreError) -> String {
        guard value.count == 3, value.allSatisfy({ $0.isASCII && $0.isUppercase }) else {
            throw StoreError.invalid(field: "currency", rule: "must be three uppercase letters like USD")
        }
        return value
    }

    static func positiveAmount(_ value: Int64, field: String) throws(StoreError) -> Int64 {
        guard value > 0 else { throw StoreError.invalid(field: field, rule: "must be positive (integer minor units)") }
        guard value <= 1_000_000_000_000 else { throw StoreError.invalid(field: field, rule: "must be at most 1000000000000 minor units") }
        return value
    }

    /// An opaque client key (idempotency keys, provider event ids).
    static func key(_ value: String, field: String) throws(StoreError) -> String {
        guard (1...128).contains(value.utf8.count), value.allSatisfy({ $0.isASCII && !$0.isWhitespace }) else {
            throw StoreError.invalid(field: field, rule: "must be 1 to 128 printable ASCII characters")
        }
        return value
    }

    static func limit(_ value: Int, maximum: Int = 100) throws(StoreError) -> Int {
        guard (1...maximum).contains(value) else { throw StoreError.invalid(field: "limit", rule: "must be 1 to \(maximum)") }
        return value
    }
}
