/// A row id typed by the entity it names, so a listing id cannot be passed
/// where a user id is expected. Encodes as a bare integer.
public struct Identifier<Entity>: Hashable, Comparable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: Int64
    public init(_ rawValue: Int64) { self.rawValue = rawValue }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
    public var description: String { String(rawValue) }
    public init(from decoder: any Decoder) throws { rawValue = try decoder.singleValueContainer().decode(Int64.self) }
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }
}

public typealias UserID = Identifier<User>
public typealias StrategyID = Identifier<Strategy>
public typealias VersionID = Identifier<StrategyVersion>
public typealias ListingID = Identifier<Listing>
public typealias PurchaseID = Identifier<Purchase>
public typealias ReviewID = Identifier<Review>
public typealias ReportID = Identifier<ModerationReport>
public typealias DeploymentID = Identifier<Deployment>
