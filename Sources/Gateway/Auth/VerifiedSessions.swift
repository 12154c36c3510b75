import Marketplace
import Synchronization

/// Access tokens `Gateway.authenticate` verified a moment ago, with the
/// session and user it then read from the store, so that a client's burst
/// of requests costs one signature check and one store read instead of one
/// each. Both were most of an authenticated request: the store read is a hop
/// to a store thread, and jwt-kit verifies on one actor (`JWTKeyCollection`)
/// that every request in the process queued on.
///
/// An entry is served only while all of these hold, so revocation is
/// honoured within `lifetime` (under a second) on every path:
/// - the store's `accessGeneration` is the one read before the entry's store
///   read: any write in this process that changed a user, a session or a
///   second factor (logout, password change or reset, ban, suspension, role
///   change, two-factor changes, refresh-token reuse) invalidates every
///   entry at once, before the write's caller is answered;
/// - it is younger than `lifetime`: the safety net for writes the counter
///   cannot see (another process or store on the same database file);
/// - the token's times still pass (`exp`, `nbf`, `iat` at the Gateway's
///   clock) and its session has not expired (both checked on every hit);
/// - its user was active when read (suspended and banned users are never
///   kept, so their refusal is always read fresh).
///
/// The key is the whole token, so only a token that passed verification
/// can hit. Bounded: `shardCount` shards of at most `capacity / shardCount`
/// entries; a full shard drops its stale entries, then its oldest. Each
/// shard has its own lock, so concurrent requests rarely wait on each other.
final class VerifiedSessions: Sendable {
    struct Entry: Sendable {
        var claims: AccessClaims
        var session: Session
        var user: User
        var generation: UInt64
        var verifiedAt: ContinuousClock.Instant
    }

    /// A shard's entries behind their own lock.
    private final class Shard: Sendable {
        let entries = Mutex<[String: Entry]>([:])
    }

    /// How long an entry may be served without a store write being seen.
    let lifetime: Duration
    private let shards: [Shard]
    private let shardCapacity: Int
    /// Store reads made by `Gateway.authenticate` (misses): a test hook that
    /// shows the cache is used and invalidated.
    private let storeReads = Atomic<Int>(0)

    static let shardCount = 16

    init(capacity: Int = 8_192, lifetime: Duration = .milliseconds(900)) {
        precondition(lifetime <= .seconds(1), "revocation must be honoured within a second")
        self.lifetime = lifetime
        shardCapacity = max(1, capacity / Self.shardCount)
        shards = (0..<Self.shardCount).map { _ in Shard() }
    }

    /// By the token's last byte: part of the signature, so spread evenly,
    /// and cheaper than hashing the whole token a second time.
    private func shard(_ token: String) -> Shard {
        shards[Int(token.utf8.last ?? 0) % Self.shardCount]
    }

    /// The entry for `token` if it may still be served at `now` (the
    /// Gateway's Unix time) with the store at `generation`.
    func lookup(_ token: String, generation: UInt64, now: Int64, at instant: ContinuousClock.Instant = .now) -> Entry? {
        guard let entry = shard(token).entries.withLock({ $0[token] }),
              entry.generation == generation, instant - entry.verifiedAt < lifetime,
              entry.session.expiresAt > now, (try? entry.claims.verify(at: now)) != nil else { return nil }
        return entry
    }

    /// Remembers a verified token and the session and user just read for it
    /// at `generation` (read before the store read began). Users who may not
    /// act are not kept.
    func remember(_ token: String, _ claims: AccessClaims, _ session: Session, _ user: User, generation: UInt64,
                  at instant: ContinuousClock.Instant = .now) {
        guard user.status == .active, session.userID == user.id else { return }
        let entry = Entry(claims: claims, session: session, user: user, generation: generation, verifiedAt: instant)
        let capacity = shardCapacity, lifetime = self.lifetime
        shard(token).entries.withLock { entries in
            if entries[token] == nil, entries.count >= capacity {
                entries = entries.filter { instant - $0.value.verifiedAt < lifetime && $0.value.generation == generation }
                if entries.count >= capacity, let oldest = entries.min(by: { $0.value.verifiedAt < $1.value.verifiedAt }) {
                    entries.removeValue(forKey: oldest.key)
                }
            }
            entries[token] = entry
        }
    }

    func countStoreRead() { storeReads.add(1, ordering: .relaxed) }

    /// How many times `authenticate` read the store (tests).
    var storeReadCount: Int { storeReads.load(ordering: .relaxed) }

    /// Entries held (tests).
    var count: Int { shards.reduce(0) { total, shard in total + shard.entries.withLock { $0.count } } }
}
