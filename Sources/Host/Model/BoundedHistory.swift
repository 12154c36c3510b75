/// The latest `limit` items of a stream, oldest first: a ring, so recording
/// one more when full costs O(1) (removing the first element of an array
/// would move every other one, on the order and log paths).
public struct BoundedHistory<Element> {
    public let limit: Int
    private var ring: [Element] = []
    /// Where the next item goes once the ring is full (then also the oldest).
    private var next = 0

    public init(limit: Int) {
        self.limit = max(0, limit)
    }

    public mutating func append(_ element: Element) {
        guard limit > 0 else { return }
        if ring.count < limit {
            ring.append(element)
        } else {
            ring[next] = element
            next = (next + 1) % limit
        }
    }

    /// The items held, oldest first.
    public var elements: [Element] {
        guard next > 0 else { return ring }
        return Array(ring[next...] + ring[..<next])
    }

    public var count: Int { ring.count }
    public var isEmpty: Bool { ring.isEmpty }
}

extension BoundedHistory: Sendable where Element: Sendable {}
