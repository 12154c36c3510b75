import Hummingbird
import Synchronization

/// Search pages as the bytes last sent, by their query string, so a popular
/// query (the marketplace's first page, a category, a tag) costs one store
/// read per change instead of one per request. The search is the same for
/// every caller (it reads no user), so one page serves everyone.
///
/// A page is served only while both hold, so a change shows within a second:
/// - the store's `catalogGeneration` is the one read before the page's store
///   read: any write in this process that changed a listing, its tags or the
///   search index drops every page at once, before the write's caller is
///   answered;
/// - it is younger than `lifetime`: the safety net for writes the counter
///   cannot see (another process on the same database file).
///
/// Bounded: at most `capacity` pages, each from a query string of at most
/// `maximumKeyLength` bytes; when full, the stale pages go, then all.
final class SearchPageCache: Sendable {
    struct Page: Sendable {
        var body: ByteBuffer
        var generation: UInt64
        var readAt: ContinuousClock.Instant
    }

    let lifetime: Duration
    let capacity: Int
    static let maximumKeyLength = 512
    private let pages = Mutex<[String: Page]>([:])
    /// Store reads made for pages (misses): a test hook.
    private let storeReads = Atomic<Int>(0)

    init(capacity: Int = 1_024, lifetime: Duration = .seconds(1)) {
        precondition(lifetime <= .seconds(1), "a change must show within a second")
        self.capacity = capacity
        self.lifetime = lifetime
    }

    /// The page for `query` if it may still be served with the store at `generation`.
    func lookup(_ query: String, generation: UInt64, at instant: ContinuousClock.Instant = .now) -> ByteBuffer? {
        guard let page = pages.withLock({ $0[query] }), page.generation == generation,
              instant - page.readAt < lifetime else { return nil }
        return page.body
    }

    /// Keeps the page read for `query` at `generation` (read before the store read began).
    func remember(_ query: String, _ body: ByteBuffer, generation: UInt64, at instant: ContinuousClock.Instant = .now) {
        guard query.utf8.count <= Self.maximumKeyLength else { return }
        let capacity = self.capacity, lifetime = self.lifetime
        pages.withLock { pages in
            if pages[query] == nil, pages.count >= capacity {
                pages = pages.filter { $0.value.generation == generation && instant - $0.value.readAt < lifetime }
                if pages.count >= capacity { pages.removeAll(keepingCapacity: true) }
            }
            pages[query] = Page(body: body, generation: generation, readAt: instant)
        }
    }

    func countStoreRead() { storeReads.add(1, ordering: .relaxed) }

    /// How many searches read the store (tests).
    var storeReadCount: Int { storeReads.load(ordering: .relaxed) }
}
