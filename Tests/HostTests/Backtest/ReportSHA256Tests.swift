import Foundation
import Testing
@testable import Host

extension ReportTests {
    /// FIPS 180-4 / NIST test vectors, and streaming in arbitrary pieces.
    @Suite struct SHA256Vectors {
        @Test func emptyInput() {
            #expect(SHA256.hexDigest(text: "") == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        }

        @Test func abc() {
            #expect(SHA256.hexDigest(text: "abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
            #expect(SHA256.hexDigest(Array("abc".utf8)) == SHA256.hexDigest(text: "abc"))
            #expect(SHA256.hash(Data("abc".utf8)).count == SHA256.byteCount)
            // hex encodes without hashing; hexDigest hashes then encodes.
            #expect(SHA256.hex(SHA256.hash(Data("abc".utf8))) == SHA256.hexDigest(text: "abc"))
            #expect(SHA256.hex([0x00, 0xff, 0x1a]) == "00ff1a")
        }

        @Test func twoBlockMessages() {
            // 448 bits: the padding no longer fits in the first block.
            #expect(SHA256.hexDigest(text: "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
                    == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
            // 896 bits.
            #expect(SHA256.hexDigest(text: "abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu")
                    == "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1")
        }

        @Test func oneMillionAs() {
            var hasher = SHA256()
            let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000)
            for _ in 0..<1_000 { hasher.update(chunk) }
            #expect(SHA256.hex(hasher.finalize())
                    == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
            // The same in one piece.
            #expect(SHA256.hexDigest([UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000))
                    == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
        }

        @Test func streamingInAnySplitMatchesOneShot() {
            let message = (0..<200).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
            let expected = SHA256.hash(message)
            for split in 0...message.count {
                var hasher = SHA256()
                hasher.update(message[..<split])
                let midway = hasher.finalize()  // finalize leaves the hasher usable
                hasher.update(message[split...])
                #expect(hasher.finalize() == expected, "split at \(split)")
                #expect(midway == SHA256.hash(message[..<split]))
            }
            // A sequence without contiguous storage takes the copying path.
            #expect(SHA256.hash(message.lazy.map { $0 }) == expected)
        }

        @Test func paddingBoundaries() {
            // Lengths around 55/56/64 bytes exercise every padding branch; check
            // each against a hash assembled from independent pieces.
            for length in [54, 55, 56, 57, 63, 64, 65, 119, 120, 128] {
                let message = [UInt8](repeating: 0x61, count: length)
                var hasher = SHA256()
                for byte in message { hasher.update(CollectionOfOne(byte)) }
                #expect(hasher.finalize() == SHA256.hash(message))
            }
            #expect(SHA256.hexDigest([UInt8](repeating: 0x61, count: 55))
                    == "9f4390f8d30c2dd92ec9f095b65e2b9ae9b0a925a5258e241c9f1e910f734318")
            #expect(SHA256.hexDigest([UInt8](repeating: 0x61, count: 56))
                    == "b35439a4ac6f0948b6d6f9e3c6af0f5f590ce20f1bde7090ef7970686ec6738a")
            #expect(SHA256.hexDigest([UInt8](repeating: 0x61, count: 64))
                    == "ffe054fe7ae0cb6dc65c3af9b61d5209f439851db43d0ba5997337df154668eb")
        }
    }
}
