import Foundation
import Testing
import Host
@testable import Gateway

/// `DuplicateKeyScanner` against generated documents: nested objects and
/// arrays whose keys and strings are full of quotes, backslashes, brackets
/// and escapes. Unique keys must pass; one injected duplicate must be found
/// at its path, however its key is escaped.
@Suite struct DuplicateKeyScannerTests {

    /// Builds one document; injects a duplicate into the `inject`-th object
    /// that has a key (pre-order), recording its path.
    struct Generator {
        static let alphabet = Array(#"ab"\{}[],: .é😀"#) + ["\u{1}", "\n"]
        var random: SeededRandom
        var inject: Int?
        var objectsSeen = 0
        var injectedPath: String?

        mutating func text() -> String {
            String((0..<Int.random(in: 0...6, using: &random)).map { _ in Self.alphabet.randomElement(using: &random)! })
        }

        /// JSON string syntax; `spelled` escapes every letter as `\uXXXX`.
        func quoted(_ value: String, spelled: Bool = false) -> String {
            var out = "\""
            for scalar in value.unicodeScalars {
                switch scalar {
                case "\"": out += "\\\""
                case "\\": out += "\\\\"
                case "\n": out += "\\n"
                case _ where scalar.value < 0x20 || (spelled && scalar.properties.isAlphabetic && scalar.value < 0x10000):
                    out += String(format: "\\u%04x", scalar.value)
                default: out.unicodeScalars.append(scalar)
                }
            }
            return out + "\""
        }

        mutating func value(path: String, depth: Int) -> String {
            switch Int.random(in: 0..<(depth >= 4 ? 3 : 5), using: &random) {
            case 0: return quoted(text())
            case 1: return String(Int.random(in: -1_000...1_000, using: &random))
            case 2: return ["true", "false", "null", "1.5e3"].randomElement(using: &random)!
            case 3:
                let items = (0..<Int.random(in: 0...3, using: &random)).map { value(path: "\(path)[\($0)]", depth: depth + 1) }
                return "[" + items.joined(separator: ",") + "]"
            default: return object(path: path, depth: depth + 1)
            }
        }

        mutating func object(path: String, depth: Int) -> String {
            var keys: [String] = []
            for _ in 0..<Int.random(in: 0...4, using: &random) {
                let key = text()
                if !keys.contains(key) { keys.append(key) }
            }
            func child(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }
            var members = keys.map { ($0, quoted($0)) }
            if !keys.isEmpty {
                defer { objectsSeen += 1 }
                if objectsSeen == inject, let key = keys.randomElement(using: &random) {
                    members.append((key, quoted(key, spelled: true)))
                    injectedPath = child(key)
                }
            }
            let rendered = members.map { key, spelling in "\(spelling):" + value(path: child(key), depth: depth) }
            return "{" + rendered.joined(separator: ", ") + "}"
        }
    }

    @Test func uniqueKeysPassAndAnInjectedDuplicateIsFoundAtItsPath() throws {
        for seed in 0..<400 as Range<UInt64> {
            var clean = Generator(random: SeededRandom(seed: seed))
            let document = clean.object(path: "", depth: 0)
            #expect((try? JSONSerialization.jsonObject(with: Data(document.utf8))) != nil, "seed \(seed): \(document)")
            #expect(DuplicateKeyScanner.firstDuplicate(in: Data(document.utf8)) == nil, "seed \(seed): \(document)")

            var dirty = Generator(random: SeededRandom(seed: seed), inject: Int(seed % 3))
            let duplicated = dirty.object(path: "", depth: 0)
            guard let expected = dirty.injectedPath else { continue }
            #expect((try? JSONSerialization.jsonObject(with: Data(duplicated.utf8))) != nil, "seed \(seed): \(duplicated)")
            #expect(DuplicateKeyScanner.firstDuplicate(in: Data(duplicated.utf8)) == expected, "seed \(seed): \(duplicated)")
        }
    }

    @Test func theSameKeyInSiblingObjectsIsNotADuplicate() {
        let document = #"{"a":{"x":1},"b":[{"x":1},{"x":2,"y":{"x":3}}],"c":"\"a\":1,\"a\":2"}"#
        #expect(DuplicateKeyScanner.firstDuplicate(in: Data(document.utf8)) == nil)
        #expect(DuplicateKeyScanner.firstDuplicate(in: Data(#"{"b":[{"x":1},{"x":2,"x":3}]}"#.utf8)) == "b[1].x")
        #expect(DuplicateKeyScanner.firstDuplicate(in: Data(#"{"a":1,"a":2}"#.utf8)) == "a")
    }
}
