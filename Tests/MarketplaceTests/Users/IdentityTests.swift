import Foundation
import Testing
import Host
@testable import Marketplace

/// Usernames, emails, listing titles and reviews against hostile Unicode.
@Suite struct IdentityTests {
    /// The characters the rules refuse, with the rule each must name.
    static let forbidden: [(Unicode.Scalar, String)] = [
        ("\u{0}", "control characters"), ("\u{7}", "control characters"), ("\u{1B}", "control characters"),
        ("\u{7F}", "control characters"), ("\u{85}", "control characters"),
        ("\u{202A}", "bidirectional"), ("\u{202B}", "bidirectional"), ("\u{202C}", "bidirectional"), ("\u{202D}", "bidirectional"),
        ("\u{202E}", "bidirectional"), ("\u{2066}", "bidirectional"), ("\u{2067}", "bidirectional"), ("\u{2068}", "bidirectional"),
        ("\u{2069}", "bidirectional"),
        ("\u{200B}", "zero-width"), ("\u{200C}", "zero-width"), ("\u{200D}", "zero-width"), ("\u{2060}", "zero-width"), ("\u{FEFF}", "zero-width"),
    ]


    static let alphabet: [Unicode.Scalar] = Array("abcXYZ019 éüß漢字-_.".unicodeScalars) + ["\u{301}", "\u{308}"]

    static func randomText(_ generator: inout SeededRandom, length: Int) -> String {
        var scalars = String.UnicodeScalarView()
        for _ in 0..<length { scalars.append(alphabet.randomElement(using: &generator)!) }
        return "Ab" + String(scalars) + "z"
    }

    static func rule(of error: StoreError?) -> (field: String, rule: String)? {
        if case .invalid(let field, let rule) = error { return (field, rule) }
        return nil
    }

    @Test func generatedHostileStringsAreRefusedNamingTheFieldAndTheRule() {
        var generator = SeededRandom(seed: 12)
        for _ in 0..<400 {
            var text = Self.randomText(&generator, length: Int.random(in: 3...40, using: &generator))
            let (scalar, rule) = Self.forbidden.randomElement(using: &generator)!
            var scalars = Array(text.unicodeScalars)
            scalars.insert(scalar, at: Int.random(in: 1..<scalars.count, using: &generator))
            text = String(String.UnicodeScalarView(scalars))
            let title = Self.rule(of: storeError { _ = try ReviewDraft(rating: 3, title: text, body: "").validated() })
            #expect(title?.field == "title" && title?.rule.contains(rule) == true, "\(text.unicodeScalars.map { String($0.value, radix: 16) }): \(String(describing: title))")
            let body = Self.rule(of: storeError { _ = try ReviewDraft(rating: 3, title: "Fine", body: text).validated() })
            #expect(body?.field == "body" && body?.rule.contains(rule) == true)
            let listing = Self.rule(of: storeError { _ = try StoreFixture.listingDraft(title: text).validated() })
            #expect(listing?.field == "title" && listing?.rule.contains(rule) == true)
            let email = Self.rule(of: storeError { _ = try InputRules.email("a\(text)@example.com") })
            #expect(email?.field == "email" && email?.rule.contains(rule) == true)
        }
    }

    @Test func generatedCleanStringsPassAndComeBackInNFC() throws {
        var generator = SeededRandom(seed: 99)
        for _ in 0..<400 {
            let text = Self.randomText(&generator, length: Int.random(in: 3...40, using: &generator))
            let draft = try ReviewDraft(rating: 3, title: text, body: "line one\n\tline two " + text).validated()
            #expect(draft.title == text.precomposedStringWithCanonicalMapping.trimmingCharacters(in: .whitespacesAndNewlines))
            #expect(draft.title.unicodeScalars.elementsEqual(draft.title.precomposedStringWithCanonicalMapping.unicodeScalars))
        }
    }

    @Test func combiningMarksAreCappedAtFourPerCharacter() throws {
        let four = "Zax" + String(repeating: "\u{301}", count: 3) + "\u{308}" + "go"
        _ = try ReviewDraft(rating: 3, title: four, body: "").validated()
        let five = "Zax" + String(repeating: "\u{301}", count: 4) + "\u{308}" + "go"
        #expect(storeError { _ = try ReviewDraft(rating: 3, title: "Fine", body: five).validated() }
                == .invalid(field: "body", rule: "must not stack more than 4 combining marks on one character"))
        #expect(Self.rule(of: storeError { _ = try StoreFixture.listingDraft(title: five).validated() })?.rule.contains("combining") == true)
        // Newlines and tabs: allowed in a review body, not in titles.
        _ = try ReviewDraft(rating: 3, title: "Fine", body: "a\nb\tc").validated()
        #expect(Self.rule(of: storeError { _ = try ReviewDraft(rating: 3, title: "Fi\tne", body: "").validated() })?.rule
                == "must not contain control characters")
    }

    @Test func emailsAndUsernamesAreComparedAfterNormalizationAndCaseFolding() throws {
        let fixture = try StoreFixture()
        let eve = try fixture.store.register(username: "Eve", email: "e\u{301}ve@example.com", passwordHash: "hash:eve")
        #expect(eve.email == "\u{e9}ve@example.com")   // stored in NFC
        #expect(storeError { _ = try fixture.store.register(username: "eve2", email: "\u{c9}VE@EXAMPLE.COM", passwordHash: "h") } == .duplicate(field: "email"))
        #expect(storeError { _ = try fixture.store.register(username: "EVE", email: "other@example.com", passwordHash: "h") } == .duplicate(field: "username"))
        #expect(try fixture.store.credentials(login: "\u{c9}ve@example.com").userID == eve.id)
        #expect(try fixture.store.credentials(login: "eVe").userID == eve.id)
        #expect(storeError { _ = try fixture.store.register(username: "ad\u{200B}min", email: "x@example.com", passwordHash: "h") }
                == .invalid(field: "username", rule: "must not contain zero-width characters (U+200B–U+200D, U+2060, U+FEFF)"))
        #expect(storeError { _ = try fixture.store.register(username: "mallory", email: "mal\u{202E}moc.evil@example.com", passwordHash: "h") }
                == .invalid(field: "email", rule: "must not contain bidirectional controls (U+202A–U+202E, U+2066–U+2069)"))
        #expect(storeError { _ = try fixture.store.register(username: "nul", email: "nul\u{0}@example.com", passwordHash: "h") }
                == .invalid(field: "email", rule: "must not contain control characters"))
    }
}

extension StoreFixture {
    /// A listing draft without a fixture (for `validated()` alone).
    static func listingDraft(title: String) -> ListingDraft {
        ListingDraft(title: title, summary: "Two moving averages cross.", description: "", category: "trend", tags: ["btc"],
                     price: ListingPrice(amount: 1_000, currency: "USD"))
    }
}
