/// Every failure of the Marketplace, with a stable machine `code` the
/// Gateway maps to HTTP. Messages name the field and the rule that applied;
/// none includes a bound value (a password hash, a token).
public enum StoreError: Error, Equatable, Sendable, CustomStringConvertible {
    /// An input broke a rule: `field` is the input's name, `rule` what it must be.
    case invalid(field: String, rule: String)
    /// Several inputs broke their rules at once (a deployment's parameters),
    /// each named, in the order they were checked.
    case invalidFields([FieldRule])
    /// No such entity, or one the caller may not see (never reveal which).
    case notFound(entity: String, id: String)
    /// The caller may not do this.
    case forbidden(action: String, reason: String)
    /// The caller's account is suspended or banned.
    case accountRestricted(status: String)
    /// A state machine refused the event in this state.
    case illegalTransition(entity: String, from: String, event: String)
    /// A unique field is taken (username, email, name).
    case duplicate(field: String)
    /// The buyer already owns this listing.
    case alreadyPurchased(listing: Int64)
    /// Authors cannot buy their own listings.
    case ownListing
    /// Authors cannot review their own listings (by purchase, deployment or edit).
    case selfReview
    /// Minor units; `holder` names whose wallet ("your wallet", "the author's wallet").
    case insufficientFunds(balance: Int64, required: Int64, holder: String = "your wallet")
    /// A per-user limit (`what`, e.g. "deployments") is reached.
    case quotaExceeded(what: String, limit: Int)
    /// The entity cannot be deleted while `count` `users` (other rows) refer to it.
    case inUse(entity: String, id: String, count: Int, users: String)
    /// The database was written by a newer build (more migrations than this one knows).
    case schemaTooNew(found: Int, supported: Int)
    /// The database's migration history differs from this build's.
    case schemaMismatch(position: Int, found: String, expected: String)
    /// SQLite failed; `code` is its extended result code.
    case database(code: Int32, message: String)
    /// A stored JSON document could not be encoded or decoded.
    case corrupt(String)
    /// A synchronous store call made where async code must await `read` or
    /// `write` instead (`MarketplaceStore.refusesBlockingCalls`).
    case blockingCall(operation: String)

    /// Stable code for clients and logs.
    public var code: String {
        switch self {
        case .invalid, .invalidFields: "invalid_input"
        case .notFound: "not_found"
        case .forbidden: "forbidden"
        case .accountRestricted: "account_restricted"
        case .illegalTransition: "illegal_transition"
        case .duplicate: "duplicate"
        case .alreadyPurchased: "already_purchased"
        case .ownListing: "own_listing"
        case .selfReview: "self_review"
        case .quotaExceeded: "quota_exceeded"
        case .insufficientFunds: "insufficient_funds"
        case .inUse: "in_use"
        case .schemaTooNew: "schema_too_new"
        case .schemaMismatch: "schema_mismatch"
        case .blockingCall: "blocking_call"
        case .database: "database"
        case .corrupt: "corrupt"
        }
    }

    public var description: String {
        switch self {
        case .invalid(let field, let rule): "\(code): \(field) \(rule)"
        case .invalidFields(let rules): "\(code): " + rules.map { "\($0.field) \($0.rule)" }.joined(separator: "; ")
        case .notFound(let entity, let id): "\(code): no \(entity) \(id)"
        case .forbidden(let action, let reason): "\(code): may not \(action): \(reason)"
        case .accountRestricted(let status): "\(code): account is \(status)"
        case .illegalTransition(let entity, let from, let event): "\(code): cannot \(event) a \(entity) that is \(from)"
        case .duplicate(let field): "\(code): \(field) is already taken"
        case .alreadyPurchased(let listing): "\(code): listing \(listing) is already owned"
        case .ownListing: "\(code): authors cannot buy their own listing"
        case .selfReview: "\(code): authors cannot review their own listing"
        case .quotaExceeded(let what, let limit): "\(code): at most \(limit) \(what) per user"
        case .insufficientFunds(let balance, let required, let holder):
            "\(code): \(holder) holds \(Self.money(balance)), below the \(Self.money(required)) required"
        case .inUse(let entity, let id, let count, let users): "\(code): \(entity) \(id) is used by \(count) \(users)"
        case .schemaTooNew(let found, let supported):
            "\(code): the database has \(found) migrations applied but this build knows \(supported); use a newer build"
        case .schemaMismatch(let position, let found, let expected):
            "\(code): migration \(position) is '\(found)' in the database but '\(expected)' in this build"
        case .database(let sqliteCode, let message): "\(code) (SQLite \(sqliteCode)): \(message)"
        case .corrupt(let what): "\(code): \(what)"
        case .blockingCall(let operation): "\(code): \(operation) was called synchronously from async code; await store.read or store.write"
        }
    }

    /// True when SQLite refused a UNIQUE or PRIMARY KEY constraint.
    var isUniqueViolation: Bool {
        if case .database(let code, _) = self { return code == 2067 || code == 1555 }
        return false
    }
}

/// One input of `StoreError.invalidFields` and the rule it broke.
public struct FieldRule: Equatable, Sendable {
    public var field: String
    public var rule: String

    public init(field: String, rule: String) {
        self.field = field
        self.rule = rule
    }
}

extension StoreError {
    /// Minor units as the API's decimal form with 2 decimals ("7.00").
    static func money(_ minor: Int64) -> String {
        let sign = minor < 0 ? "-" : "", magnitude = minor.magnitude
        let cents = magnitude % 100
        return "\(sign)\(magnitude / 100).\(cents < 10 ? "0" : "")\(cents)"
    }
}
