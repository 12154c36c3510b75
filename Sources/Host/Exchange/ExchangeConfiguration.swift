/// How the paper exchange charges and how much liquidity it assumes.
public struct ExchangeConfiguration: Sendable, Hashable {
    /// Fees per fill (docs/fills.md, "Commission").
    public var commission: CommissionModel
    /// Adverse slippage for market and stop fills on bars and trades.
    public var slippage: SlippageModel
    /// The largest fraction (0 < f ≤ 1) of a bar's volume one order may fill
    /// in that bar, rounded down to lots; the rest fills on later bars. nil:
    /// bars are unlimited liquidity. Held internally as exact billionths.
    public var barVolumeParticipation: Double? {
        didSet { participationBillionths = Self.billionths(barVolumeParticipation) }
    }

    /// `barVolumeParticipation` as billionths, so the per-bar cap is integer math.
    private(set) var participationBillionths: Int64?

    /// A configuration; the default charges nothing and fills without limits.
    public init(commission: CommissionModel = .free, slippage: SlippageModel = .none,
                barVolumeParticipation: Double? = nil) {
        self.commission = commission
        self.slippage = slippage
        self.barVolumeParticipation = barVolumeParticipation
        self.participationBillionths = Self.billionths(barVolumeParticipation)
    }

    private static func billionths(_ participation: Double?) -> Int64? {
        guard let participation else { return nil }
        precondition(participation > 0 && participation <= 1, "bar volume participation must be in (0, 1]")
        return max(FixedPoint.billionths(participation), 1)
    }

    /// The most one order may fill in `bar` (nil: no cap).
    @inline(__always)
    func barCap(_ bar: Bar) -> Quantity? {
        guard let participationBillionths else { return nil }
        return Quantity(lots: FixedPoint.scale(max(bar.volume.lots, 0), byBillionths: participationBillionths))
    }
}
