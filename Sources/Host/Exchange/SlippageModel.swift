/// Adverse price slippage for aggressive fills (market orders and stops) on
/// bars and trades. Limit fills and book fills are never slipped: a limit
/// names its price, and a book walk already pays the displayed depth.
public struct SlippageModel: Sendable, Hashable, Codable {
    /// The slippage in hundredths of a basis point of the price; 5 bps = 500.
    public var hundredthsOfBasisPoint: Int64

    /// Slippage of `hundredthsOfBasisPoint` (≥ 0).
    public init(hundredthsOfBasisPoint: Int64 = 0) {
        precondition(hundredthsOfBasisPoint >= 0, "slippage cannot be negative")
        self.hundredthsOfBasisPoint = hundredthsOfBasisPoint
    }

    /// No slippage.
    public static let none = SlippageModel()

    /// `price` moved against the taker by the rate, rounded to the tick
    /// adversely: a buy pays `price + ceil(|price| × rate / 10^6)` ticks, a
    /// sell receives `price − ceil(…)`. Any non-zero rate therefore costs at
    /// least one tick.
    @inline(__always)
    public func adjust(_ price: Price, side: Side) -> Price {
        let ticks = FixedPoint.millionthsRoundedUp(of: price.ticks, rate: hundredthsOfBasisPoint)
        return Price(ticks: side == .buy ? price.ticks + ticks : price.ticks - ticks)
    }
}

extension SlippageModel: CustomStringConvertible {
    /// "5bp": for reports.
    public var description: String { FixedPoint.basisPointText(hundredthsOfBasisPoint) }
}
