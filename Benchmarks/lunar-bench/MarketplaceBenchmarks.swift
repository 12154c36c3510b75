import CSQLite
import Foundation
import Host
import Marketplace

/// The Marketplace figures issue 5 asks for: search over 100,000 listings
/// and durable purchases per second. Queries and purchases go through the
/// public `MarketplaceStore` API on a real file; only the 100,000-listing
/// catalog is seeded with SQL in one transaction (through the public API it
/// would be 300,000 durable transactions), matching the store's schema.
enum MarketplaceBenchmarks {
    static let listingCount = 100_000
    static let domainWords = """
        momentum trend breakout reversion scalper swing grid harvest volatility bitcoin ether crypto hedge arbitrage carry \
        mean channel donchian keltner bollinger moving average crossover oscillator stochastic divergence volume profile \
        liquidity maker taker spread inventory ladder pyramid martingale kelly sizing stop trailing target risk drawdown \
        sharpe robust adaptive regime filter kalman fourier wavelet seasonal weekend overnight session asian london york \
        pivot fibonacci ichimoku cloud heikin renko range compression expansion squeeze impulse exhaustion capitulation
        """.split(separator: " ").map(String.init)

    /// A 5,000-word vocabulary (the domain words plus made-up ones), in a
    /// seeded random order that is also its frequency rank.
    static let words: [String] = {
        var random = SeededRandom(seed: 1)
        let syllables = ["ka", "lo", "mi", "ne", "ru", "sa", "ti", "vo", "ze", "pa", "do", "fi", "gu", "ha", "je", "ko", "lu", "ma", "no", "pe"]
        var seen = Set(domainWords)
        var list = domainWords
        while list.count < 5_000 {
            let word = (0..<(2 + Int(random.nextUInt64() % 3))).map { _ in syllables[Int(random.nextUInt64() % 20)] }.joined()
            if seen.insert(word).inserted { list.append(word) }
        }
        for index in stride(from: list.count - 1, to: 0, by: -1) { list.swapAt(index, Int(random.nextUInt64() % UInt64(index + 1))) }
        return list
    }()

    /// Cumulative Zipf (s = 1) probabilities over `words`: catalog text uses
    /// the word of rank r with probability ∝ 1/r, like natural text.
    static let zipf: [Double] = {
        let harmonic = (1...words.count).reduce(0.0) { $0 + 1 / Double($1) }
        var total = 0.0
        return (1...words.count).map { rank in total += 1 / Double(rank) / harmonic; return total }
    }()

    static func zipfWord(_ random: inout SeededRandom) -> String {
        let draw = random.uniform()
        var low = 0, high = zipf.count - 1
        while low < high { let middle = (low + high) / 2; if zipf[middle] < draw { low = middle + 1 } else { high = middle } }
        return words[low]
    }

    static let categories = ["trend", "mean_reversion", "breakout", "grid", "dca", "market_making", "arbitrage", "other"]

    static func run(_ report: inout Report) throws {
        report.section("Marketplace (SQLite, WAL, synchronous=FULL)")
        try search(&report)
        try purchases(&report)
    }

    static func temporaryStore() throws -> (MarketplaceStore, URL) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("lunar-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let path = directory.appendingPathComponent("marketplace.sqlite")
        let store = try MarketplaceStore(.init(path: path.path, validator: NoUploads()))
        return (store, path)
    }

    // MARK: - Search

    static func search(_ report: inout Report) throws {
        let (store, path) = try temporaryStore()
        defer { try? FileManager.default.removeItem(at: path.deletingLastPathComponent()) }
        let author = try store.register(username: "author", email: "author@example.com", passwordHash: "x")
        let seedStart = DispatchTime.now().uptimeNanoseconds
        try seedCatalog(path: path.path, author: author.id, count: listingCount)
        let seedSeconds = Double(DispatchTime.now().uptimeNanoseconds - seedStart) / 1e9
        print("  seeded \(listingCount) approved listings in \(String(format: "%.1f", seedSeconds)) s: 3-word titles, 10-word summaries, 40-word")
        print("  descriptions and 3 tags drawn from a \(words.count)-word vocabulary with Zipf frequencies; 8 categories; prices 0-9,500")

        var random = SeededRandom(seed: 5)
        func pick<T>(_ list: [T]) -> T { list[Int(random.nextUInt64() % UInt64(list.count))] }
        func timed(_ queries: Int, _ make: () -> ListingQuery) throws -> (p50: Double, p95: Double, hits: Double) {
            var times: [Double] = []
            var hits = 0
            for _ in 0..<queries {
                let query = make()
                let start = DispatchTime.now().uptimeNanoseconds
                hits += try store.search(query).listings.count
                times.append(Double(DispatchTime.now().uptimeNanoseconds - start))
            }
            times.sort()
            return (times[times.count / 2], times[times.count * 95 / 100], Double(hits) / Double(queries))
        }
        _ = try timed(200) { ListingQuery(text: pick(words)) }   // warm the page cache and statement caches
        let commonest = words[0]
        let cases: [(String, String, () -> ListingQuery)] = [
            ("word + category + price range, relevance, 20/page", "p95 < 5 ms", {
                ListingQuery(text: pick(words), category: pick(categories), minimumPrice: 0,
                             maximumPrice: Int64(500 + random.nextUInt64() % 5_000), sort: .relevance)
            }),
            ("2 words + min rating, by rating, 20/page", "", {
                ListingQuery(text: "\(pick(words)) \(pick(words))", minimumRating: 2, sort: .rating)
            }),
            ("category + tag, by popularity, 20/page", "", { ListingQuery(category: pick(categories), tag: pick(words), sort: .popularity) }),
            ("commonest word + category + price (worst)", "", {
                ListingQuery(text: commonest, category: pick(categories), maximumPrice: Int64(500 + random.nextUInt64() % 5_000))
            }),
        ]
        for (name, goal, make) in cases {
            let figures = try timed(1_000, make)
            report.row("search 100k: \(name)", "p95 \(format(nanoseconds: figures.p95))",
                       baseline: "p50 \(format(nanoseconds: figures.p50))", goal: goal)
            print(String(format: "  (%.1f listings per page on average)", figures.hits))
        }
        print("  1,000 timed queries per row; query words uniform over the vocabulary; the commonest word is in \(try commonestCount(path: path.path, word: commonest)) of \(listingCount) listings")
    }

    static func commonestCount(path: String, word: String) throws -> Int {
        try BenchDatabase(path: path).count("SELECT COUNT(*) FROM listing_search WHERE listing_search MATCH '\"\(word)\"'")
    }

    /// Inserts `count` approved listings with their tags and FTS rows in one transaction.
    static func seedCatalog(path: String, author: UserID, count: Int) throws {
        let database = try BenchDatabase(path: path)
        try database.execute("BEGIN")
        try database.execute("INSERT INTO strategies (id, author_id, name, created_at) VALUES (1, \(author.rawValue), 'bench', 0)")
        try database.execute("""
            INSERT INTO strategy_versions (id, strategy_id, number, source, content_hash, changelog, status, report_json, created_at)
            VALUES (1, 1, 1, 'function on_bar() end', '', '', 'accepted', '{"callbacks":[],"issues":[]}', 0)
            """)
        let listing = try database.prepare("""
            INSERT INTO listings (id, strategy_id, author_id, title, summary, description, category, price, currency, status,
                live_version_id, rating_sum, rating_count, rating_average, buyer_count, perf_return, perf_drawdown, perf_sharpe,
                perf_trades, created_at, updated_at, published_at)
            VALUES (?1, 1, \(author.rawValue), ?2, ?3, ?4, ?5, ?6, 'USD', 'approved', 1, ?7 * ?8, ?8, ?7, ?9, ?10, 0.1, ?11, 20, ?12, ?12, ?12)
            """)
        let tag = try database.prepare("INSERT OR IGNORE INTO listing_tags (listing_id, tag) VALUES (?1, ?2)")
        let fts = try database.prepare("""
            INSERT INTO listing_search (rowid, title, summary, description, tags, facets)
            VALUES (?1, ?2, ?3, ?4, ?5, 'category' || replace(?6, '_', ''))
            """)
        var random = SeededRandom(seed: 42)
        func pick() -> String { zipfWord(&random) }
        func sentence(_ length: Int) -> String { (0..<length).map { _ in pick() }.joined(separator: " ") }
        for id in 1...count {
            let title = "\(pick().capitalized) \(pick()) \(pick())"
            let summary = sentence(10)
            let description = sentence(40)
            let tags = Set((0..<3).map { _ in pick() }).sorted()
            let category = categories[Int(random.nextUInt64() % 8)]
            let rating = Double(1 + random.nextUInt64() % 400) / 100 + 1
            try listing.run([.integer(Int64(id)), .text(title), .text(summary), .text(description),
                             .text(category), .integer(Int64(random.nextUInt64() % 20) * 500),
                             .real(rating), .integer(Int64(random.nextUInt64() % 50)), .integer(Int64(random.nextUInt64() % 1_000)),
                             .real(random.normal() * 0.2), .real(random.normal()), .integer(Int64(1_700_000_000 + id))])
            for name in tags { try tag.run([.integer(Int64(id)), .text(name)]) }
            try fts.run([.integer(Int64(id)), .text(title), .text(summary), .text(description), .text(tags.joined(separator: " ")),
                         .text(category)])
        }
        try database.execute("COMMIT")
        try database.execute("ANALYZE")
    }

    // MARK: - Purchases

    static func purchases(_ report: inout Report) throws {
        let (store, path) = try temporaryStore()
        defer { try? FileManager.default.removeItem(at: path.deletingLastPathComponent()) }
        let author = try store.register(username: "author", email: "author@example.com", passwordHash: "x")
        let listings = 25
        try seedCatalog(path: path.path, author: author.id, count: listings)
        let buyers = try (0..<200).map { index in
            let buyer = try store.register(username: "buyer\(index)", email: "buyer\(index)@example.com", passwordHash: "x")
            _ = try store.topUp(buyer.id, amount: 10_000_000, currency: "USD", providerEventID: "evt-\(index)")
            return buyer.id
        }
        // Half the buyers buy every listing on one thread, the other half on 4 threads at once.
        let half = buyers.count / 2
        var start = DispatchTime.now().uptimeNanoseconds
        for buyer in buyers[..<half] {
            for listing in 1...listings { _ = try store.purchase(ListingID(Int64(listing)), idempotencyKey: "k\(listing)", by: buyer) }
        }
        let serial = Double(half * listings) / (Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        let rest = Array(buyers[half...])
        let failures = Counter()
        start = DispatchTime.now().uptimeNanoseconds
        DispatchQueue.concurrentPerform(iterations: 4) { worker in
            for buyer in rest[(worker * rest.count / 4)..<((worker + 1) * rest.count / 4)] {
                for listing in 1...listings {
                    if (try? store.purchase(ListingID(Int64(listing)), idempotencyKey: "k\(listing)", by: buyer)) == nil { failures.add() }
                }
            }
        }
        let parallel = Double(rest.count * listings) / (Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        let balanced = try store.ledgerImbalance() == 0 && failures.value == 0
        report.row("purchases, durable: 1 thread, \(half * listings) purchases", String(format: "%.0f /s", serial), goal: "≥ 2,000/s")
        report.row("purchases, durable: 4 threads, \(rest.count * listings) purchases", String(format: "%.0f /s", parallel),
                   goal: balanced ? "ledger balances" : "LEDGER CHECK FAILED")
    }
}

/// The benchmark store takes no uploads; its catalog is seeded directly.
struct NoUploads: VersionValidating {
    func validate(source: String) -> (schema: StrategySchema?, report: ValidationReport) {
        (nil, ValidationReport(issues: ["benchmark store takes no uploads"], callbacks: [], performance: nil))
    }
}

final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func add() { lock.lock(); count += 1; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return count }
}
