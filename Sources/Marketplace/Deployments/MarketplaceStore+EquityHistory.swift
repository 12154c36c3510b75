import Foundation

/// One stored point of a deployment's account over market time. Money is in
/// the numeric model's units (10⁻⁸ of the account currency). A raw point
/// (`resolution` 0) is one sample; an older point stands for a whole
/// `resolution`-second bucket: its values are the bucket's last sample's,
/// `equityLow`/`equityHigh` the extremes of every sample in it.
public struct StoredEquityPoint: Sendable, Equatable {
    public var time: Int64
    public var resolution: Int64
    public var equity: Int64
    public var equityLow: Int64
    public var equityHigh: Int64
    public var cash: Int64
    public var grossExposure: Int64
    public var netExposure: Int64
    public var realizedPnL: Int64
    public var unrealizedPnL: Int64
    /// Fills since the account opened, as of this point.
    public var fills: Int64

    /// A raw sample: low and high are its equity.
    public init(time: Int64, equity: Int64, cash: Int64, grossExposure: Int64, netExposure: Int64, realizedPnL: Int64,
                unrealizedPnL: Int64, fills: Int64) {
        self.init(time: time, resolution: 0, equity: equity, equityLow: equity, equityHigh: equity, cash: cash, grossExposure: grossExposure,
                  netExposure: netExposure, realizedPnL: realizedPnL, unrealizedPnL: unrealizedPnL, fills: fills)
    }

    public init(time: Int64, resolution: Int64, equity: Int64, equityLow: Int64, equityHigh: Int64, cash: Int64, grossExposure: Int64,
                netExposure: Int64, realizedPnL: Int64, unrealizedPnL: Int64, fills: Int64) {
        self.time = time
        self.resolution = resolution
        self.equity = equity
        self.equityLow = equityLow
        self.equityHigh = equityHigh
        self.cash = cash
        self.grossExposure = grossExposure
        self.netExposure = netExposure
        self.realizedPnL = realizedPnL
        self.unrealizedPnL = unrealizedPnL
        self.fills = fills
    }

    /// `points`, in time order, as one point of `resolution`: the last one's
    /// values with every point's low and high.
    static func bucket(_ points: [StoredEquityPoint], resolution: Int64) -> StoredEquityPoint {
        var merged = points[points.count - 1]
        merged.resolution = resolution
        merged.equityLow = points.lazy.map(\.equityLow).min()!
        merged.equityHigh = points.lazy.map(\.equityHigh).max()!
        return merged
    }
}

extension StoredEquityPoint {
    /// At most `count` points drawn from `points` (in time order): the span
    /// cut into `count` equal buckets, each the last point in it with the
    /// low and high of all of them (`bucket(_:resolution:)`). Fewer points
    /// come back unchanged.
    public static func downsample(_ points: [StoredEquityPoint], to count: Int) -> [StoredEquityPoint] {
        guard count > 0, points.count > count, let first = points.first, let last = points.last else { return points }
        let (span, overflow) = last.time.subtractingReportingOverflow(first.time)
        guard !overflow else { return Array(points.suffix(count)) }
        let width = max(1, span / Int64(count) + 1)
        var result: [StoredEquityPoint] = []
        result.reserveCapacity(count)
        var start = 0
        while start < points.count {
            let bucket = (points[start].time - first.time) / width
            var next = start + 1
            while next < points.count, (points[next].time - first.time) / width == bucket { next += 1 }
            let resolution = max(width, points[start..<next].lazy.map(\.resolution).max() ?? 0)
            result.append(next - start == 1 && points[start].resolution >= resolution
                          ? points[start] : Self.bucket(Array(points[start..<next]), resolution: resolution))
            start = next
        }
        return result
    }
}

/// How a deployment's equity history stays small: raw samples (one a
/// minute of market time and one per filling event) for the latest two
/// days of market time, hourly buckets for the 90 days before, daily ones
/// beyond. A deployment running a year keeps about 5,000 rows.
public enum EquityRetention {
    /// (age in market seconds past which points are merged, the bucket they merge into).
    public static let tiers: [(age: Int64, resolution: Int64)] = [(2 * 86_400, 3_600), (90 * 86_400, 86_400)]
    /// Compaction runs when a tier's oldest point is this far past its age (so about once an hour per deployment).
    static let slack: Int64 = 3_600
}

extension Schema {
    static let equityHistory = Migration(name: "024-deployment-equity", sql: """
        CREATE TABLE deployment_equity (
            id INTEGER PRIMARY KEY,
            deployment_id INTEGER NOT NULL REFERENCES deployments(id),
            time INTEGER NOT NULL,
            resolution INTEGER NOT NULL CHECK (resolution >= 0),
            equity INTEGER NOT NULL,
            equity_low INTEGER NOT NULL,
            equity_high INTEGER NOT NULL,
            cash INTEGER NOT NULL,
            gross_exposure INTEGER NOT NULL,
            net_exposure INTEGER NOT NULL,
            realized_pnl INTEGER NOT NULL,
            unrealized_pnl INTEGER NOT NULL,
            fills INTEGER NOT NULL);
        CREATE INDEX deployment_equity_resolution ON deployment_equity(deployment_id, resolution, time);
        """)
}

extension MarketplaceStore {
    static let equityColumns = """
        time, resolution, equity, equity_low, equity_high, cash, gross_exposure, net_exposure, realized_pnl, unrealized_pnl, fills
        """

    static func equityPoint(_ row: Row) -> StoredEquityPoint {
        StoredEquityPoint(time: row.int64(0), resolution: row.int64(1), equity: row.int64(2), equityLow: row.int64(3),
                          equityHigh: row.int64(4), cash: row.int64(5), grossExposure: row.int64(6), netExposure: row.int64(7),
                          realizedPnL: row.int64(8), unrealizedPnL: row.int64(9), fills: row.int64(10))
    }

    static func insertEquity(_ point: StoredEquityPoint, for id: DeploymentID, _ connection: Connection) throws(StoreError) {
        try connection.run("INSERT INTO deployment_equity (deployment_id, \(equityColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [
            id, point.time, point.resolution, point.equity, point.equityLow, point.equityHigh, point.cash, point.grossExposure,
            point.netExposure, point.realizedPnL, point.unrealizedPnL, point.fills,
        ])
    }

    /// Appends samples inside the journal writer's transaction, then merges
    /// what has aged past a retention tier (`EquityRetention`).
    static func appendEquity(_ points: [StoredEquityPoint], for id: DeploymentID, _ connection: Connection) throws(StoreError) {
        guard let latest = points.map(\.time).max() else { return }
        for point in points { try insertEquity(point, for: id, connection) }
        var finer: Int64 = 0
        for tier in EquityRetention.tiers {
            try compact(id, from: finer, into: tier.resolution, olderThan: latest - tier.age, connection)
            finer = tier.resolution
        }
    }

    /// Merges the points of resolution `finer` older than `cutoff` into
    /// buckets of `resolution` seconds, once the oldest is `slack` past it;
    /// the bucket the cutoff falls in waits until it is whole.
    private static func compact(_ id: DeploymentID, from finer: Int64, into resolution: Int64, olderThan cutoff: Int64,
                                _ connection: Connection) throws(StoreError) {
        let oldest = try connection.row("SELECT MIN(time) FROM deployment_equity WHERE deployment_id = ? AND resolution = ?",
                                        [id, finer]) { $0.optionalInt64(0) } ?? nil
        guard let oldest, oldest < cutoff - EquityRetention.slack else { return }
        let end = Self.floor(cutoff, to: resolution)
        let points = try connection.rows("""
            SELECT \(equityColumns) FROM deployment_equity WHERE deployment_id = ? AND resolution = ? AND time < ? ORDER BY time, id
            """, [id, finer, end], Self.equityPoint)
        guard !points.isEmpty else { return }
        try connection.run("DELETE FROM deployment_equity WHERE deployment_id = ? AND resolution = ? AND time < ?", [id, finer, end])
        var start = 0
        while start < points.count {
            let bucket = Self.floor(points[start].time, to: resolution)
            var next = start
            while next < points.count, Self.floor(points[next].time, to: resolution) == bucket { next += 1 }
            try insertEquity(StoredEquityPoint.bucket(Array(points[start..<next]), resolution: resolution), for: id, connection)
            start = next
        }
    }

    /// `time` rounded down to a multiple of `step` (negative times too).
    static func floor(_ time: Int64, to step: Int64) -> Int64 {
        let remainder = time % step
        return remainder < 0 ? time - remainder - step : time - remainder
    }

    /// A deployment's stored points with `from <= time <= to`, in time
    /// order (trusted caller: the Gateway checked the owner). At most 200,000.
    public func equityHistory(of id: DeploymentID, from: Int64 = .min, to: Int64 = .max) throws(StoreError) -> [StoredEquityPoint] {
        try pool.read { (connection) throws(StoreError) -> [StoredEquityPoint] in
            guard try Self.fetchDeployment(id, connection) != nil else { throw StoreError.notFound(entity: "deployment", id: id.description) }
            return try connection.rows("""
                SELECT \(Self.equityColumns) FROM deployment_equity WHERE deployment_id = ? AND time >= ? AND time <= ?
                ORDER BY time, id LIMIT 200000
                """, [id, from, to], Self.equityPoint)
        }
    }

    /// The deployment's last point before `time` (nil when none): where a
    /// market day's P&L starts.
    public func lastEquity(of id: DeploymentID, before time: Int64) throws(StoreError) -> StoredEquityPoint? {
        try pool.read { (connection) throws(StoreError) -> StoredEquityPoint? in
            try connection.row("""
                SELECT \(Self.equityColumns) FROM deployment_equity WHERE deployment_id = ? AND time < ? ORDER BY time DESC, id DESC LIMIT 1
                """, [id, time], Self.equityPoint)
        }
    }

    /// The highest equity the deployment's history holds (nil before its first sample): where its drawdown is measured from.
    public func peakEquity(of id: DeploymentID) throws(StoreError) -> Int64? {
        try pool.read { (connection) throws(StoreError) -> Int64? in
            try connection.row("SELECT MAX(equity_high) FROM deployment_equity WHERE deployment_id = ?", [id]) { $0.optionalInt64(0) } ?? nil
        }
    }

    /// The latest market time any deployment sampled (nil before the first):
    /// where a restarted synthetic feed continues, so market time never goes back.
    public func latestEquityTime() throws(StoreError) -> Int64? {
        try pool.read { (connection) throws(StoreError) -> Int64? in
            try connection.row("SELECT MAX(time) FROM deployment_equity", []) { $0.optionalInt64(0) } ?? nil
        }
    }
}
