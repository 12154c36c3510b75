import Foundation

/// Whose failed logins a counter holds: the account when the typed login
/// (username or email) names one, so both aliases count together; otherwise
/// the typed value itself, normalized, so unknown logins are throttled
/// exactly like real ones and the answers never tell which exist.
public struct LoginSubject: Sendable, Hashable {
    public let key: String

    public init(user: UserID?, typed login: String) {
        if let user {
            key = "user:\(user.rawValue)"
        } else {
            key = "login:" + String(IdentityKey.make(login).prefix(320))
        }
    }
}

/// Which check a login failed: the password (counted per client address)
/// or the second factor (counted per account, from every address, because
/// only someone who already knows the password reaches it).
public enum LoginFactor: String, Sendable {
    case password
    case secondFactor = "code"
}

/// The delay policy: after `threshold` failures in a row, each further
/// failure makes the next attempt wait 1 s, 2 s, 4 s … up to `capSeconds`.
/// Counts older than `forgetAfterSeconds` since their last failure start afresh.
public struct LoginDelayPolicy: Sendable, Equatable {
    public var threshold: Int
    public var capSeconds: Int64
    public var forgetAfterSeconds: Int64

    public init(threshold: Int = 5, capSeconds: Int64 = 900, forgetAfterSeconds: Int64 = 86_400) {
        self.threshold = max(1, threshold)
        self.capSeconds = max(1, capSeconds)
        self.forgetAfterSeconds = forgetAfterSeconds
    }

    /// The wait imposed after `failures` failures in a row (nil: none yet).
    public func delay(afterFailures failures: Int64) -> Int64? {
        guard failures >= Int64(threshold) else { return nil }
        let exponent = failures - Int64(threshold)
        guard exponent < 30 else { return capSeconds }
        return min(capSeconds, Int64(1) << exponent)
    }
}
