import Foundation
import Synchronization

/// Decoded values of stored JSON documents, by their text. Documents such as
/// a deployment's parameters and risk limits are read on every request and
/// rarely change; decoding them with `JSONDecoder` was the largest cost of a
/// deployment read (measured: about an eighth of the server's CPU under
/// load), while looking the text up costs one hash. A changed document is a
/// different text, so a hit is always current. Bounded: when full it starts
/// over (documents are small; a cold miss is one decode).
final class DecodedJSONMemo<Value: Decodable & Sendable>: Sendable {
    private let entries = Mutex<[String: Value]>([:])
    private let capacity: Int

    init(capacity: Int = 4_096) { self.capacity = capacity }

    func decode(_ text: String) throws(StoreError) -> Value {
        if let hit = entries.withLock({ $0[text] }) { return hit }
        let value = try JSONCoding.decode(Value.self, text)
        entries.withLock { entries in
            if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
            entries[text] = value
        }
        return value
    }
}
