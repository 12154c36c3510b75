import Sandbox

/// The choices of one backtest run, as `lunar backtest` and
/// `POST /api/strategies/{id}/backtest` both take them, with one set of
/// defaults and one set of checks, so the CLI and the API run the same
/// thing for the same inputs. `configuration(...)` applies them to the
/// data's bars.
public struct BacktestSettings: Sendable, Equatable, Codable {
    public static let defaultSymbol = "BTCUSD"
    public static let defaultCash = Money(100_000)
    /// The largest starting cash accepted (a bound well inside the numeric model).
    public static let maximumCash = Money(1_000_000_000)
    /// Rates (commission, slippage) have at most this many decimals: 10^-6 is a hundredth of a basis point.
    public static let rateDecimals = 6

    /// The data: a dataset name (API) or a file path (CLI).
    public var dataset: String
    /// The instrument the data is traded as.
    public var symbol: String
    /// Seconds per bar the strategy sees (a multiple of the data's); nil: the data's.
    public var timeframe: Int64?
    /// The period replayed: bars with `from <= time < to` (epoch seconds); nil: unbounded.
    public var from: Int64?
    public var to: Int64?
    public var cash: Money
    /// Commission as a rate of notional, in hundredths of a basis point (rate × 10^6).
    public var commission: Int64
    /// A fixed fee per order on top of the rate (CLI only today).
    public var fixedCommission: Money
    /// Slippage on market and stop fills as a rate of price, in hundredths of a basis point.
    public var slippage: Int64
    public var seed: UInt64

    public init(dataset: String, symbol: String = BacktestSettings.defaultSymbol, timeframe: Int64? = nil,
                from: Int64? = nil, to: Int64? = nil, cash: Money = BacktestSettings.defaultCash, commission: Int64 = 0,
                fixedCommission: Money = .zero, slippage: Int64 = 0, seed: UInt64 = 1) {
        self.dataset = dataset
        self.symbol = symbol
        self.timeframe = timeframe
        self.from = from
        self.to = to
        self.cash = cash
        self.commission = commission
        self.fixedCommission = fixedCommission
        self.slippage = slippage
        self.seed = seed
    }

    /// The exchange the run fills against.
    public var exchange: ExchangeConfiguration {
        ExchangeConfiguration(commission: CommissionModel(hundredthsOfBasisPoint: commission, fixedPerOrder: fixedCommission),
                              slippage: SlippageModel(hundredthsOfBasisPoint: slippage))
    }

    /// Checks what can be checked without the data (every field but the
    /// period's content and the timeframe's fit).
    public func validate() throws(BacktestSettingsError) {
        try Self.checkSymbol(symbol)
        if let timeframe, !(1...86_400).contains(timeframe) {
            throw BacktestSettingsError(field: "timeframe", issue: "must be between 1 and 86400 seconds")
        }
        if let from, let to, from >= to { throw BacktestSettingsError(field: "to", issue: "must be later than from") }
        guard cash > .zero, cash <= Self.maximumCash else {
            throw BacktestSettingsError(field: "cash", issue: "must be above 0 and at most \(Self.maximumCash.description)")
        }
        guard fixedCommission >= .zero, fixedCommission <= Self.maximumCash else {
            throw BacktestSettingsError(field: "fixedCommission", issue: "must be between 0 and \(Self.maximumCash.description)")
        }
        for (field, rate) in [("commission", commission), ("slippage", slippage)] where !(0...1_000_000).contains(rate) {
            throw BacktestSettingsError(field: field, issue: "must be a rate between 0 and 1")
        }
    }

    /// The run of `source` over `bars` (the dataset's, in time order) under
    /// these settings: the period cut, the timeframe checked against the
    /// data's. `dataHash` identifies the dataset.
    public func configuration(source: String, chunkName: String = "strategy.lua", parameters: [String: LuaValue],
                              instrument: Instrument, bars: [Bar],
                              dataHash: String) throws(BacktestSettingsError) -> BacktestConfiguration {
        try validate()
        let period = bars.filter { bar in (from.map { bar.time >= $0 } ?? true) && (to.map { bar.time < $0 } ?? true) }
        guard !period.isEmpty else {
            throw BacktestSettingsError(field: from == nil && to == nil ? "dataset" : "from",
                                        issue: "the period holds no bars of the dataset")
        }
        let dataTimeframe = BarCSV.timeframe(of: period)
        if let timeframe, timeframe % dataTimeframe != 0 {
            throw BacktestSettingsError(field: "timeframe", issue: "must be a multiple of the data's \(dataTimeframe) s bars")
        }
        var configuration = BacktestConfiguration(
            source: source, chunkName: chunkName, parameters: parameters, instruments: [instrument],
            bars: [instrument.symbol: period], timeframe: dataTimeframe, startingCash: cash, exchange: exchange,
            seed: seed, dataHash: dataHash)
        configuration.strategyTimeframe = timeframe
        return configuration
    }

    /// These settings with the defaults the run filled in: the strategy's
    /// timeframe and the period's bounds (`to` exclusive: one bar past the last).
    public func effective(_ configuration: BacktestConfiguration) -> BacktestSettings {
        var filled = self
        let times = configuration.bars.values.flatMap { $0.map(\.time) }
        filled.timeframe = configuration.strategyTimeframe ?? configuration.timeframe
        filled.from = from ?? times.min()
        filled.to = to ?? times.max().map { $0 + configuration.timeframe }
        return filled
    }

    /// A rate given as decimal text ("0.001" is 10 basis points) in
    /// hundredths of a basis point; refused unless it is a plain decimal in 0...1.
    public static func rate(_ text: String, field: String) throws(BacktestSettingsError) -> Int64 {
        guard let rate = FixedPoint.parse(text, decimals: rateDecimals), text.count <= 40 else {
            throw BacktestSettingsError(field: field, issue: "must be a decimal rate like \"0.001\" with at most \(rateDecimals) decimals")
        }
        guard (0...1_000_000).contains(rate) else { throw BacktestSettingsError(field: field, issue: "must be a rate between 0 and 1") }
        return rate
    }

    /// Decimal text of an amount of money (at most 8 decimals), or a refusal naming `field`.
    public static func money(_ text: String, field: String) throws(BacktestSettingsError) -> Money {
        guard text.count <= 40, let money = Money(decimalText: text) else {
            throw BacktestSettingsError(field: field, issue: "must be a decimal amount with at most 8 decimals")
        }
        return money
    }

    /// A rate (hundredths of a basis point) as decimal text: 1000 → "0.001".
    public static func rateText(_ rate: Int64) -> String {
        var text = FixedPoint.format(rate, decimals: rateDecimals)
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }

    /// Refuses a symbol that is not 1 to 32 letters, digits or . _ - /.
    public static func checkSymbol(_ symbol: String) throws(BacktestSettingsError) {
        let allowed = symbol.utf8.allSatisfy { byte in
            (48...57).contains(byte) || (65...90).contains(byte) || (97...122).contains(byte) || [45, 46, 47, 95].contains(byte)
        }
        guard (1...32).contains(symbol.utf8.count), allowed else {
            throw BacktestSettingsError(field: "symbol", issue: "must be 1 to 32 letters, digits or . _ - /")
        }
    }
}

/// A backtest setting that was refused: which (`field`, as the API names
/// it) and the rule it broke, with the limit that applied.
public struct BacktestSettingsError: Error, Sendable, Equatable, CustomStringConvertible {
    public var field: String
    public var issue: String
    public init(field: String, issue: String) {
        self.field = field
        self.issue = issue
    }
    public var description: String { "\(field) \(issue)" }
}
