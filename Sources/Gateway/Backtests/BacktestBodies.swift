import Host
import Sandbox

/// `POST /api/strategies/{id}/backtest`. Every field is optional; the
/// defaults are documented in docs/api.md ("Backtests") and echoed in the
/// job's `config`. Money and rates are decimal strings, times ISO-8601.
struct BacktestBody: RequestBody {
    /// Default: the strategy's latest accepted version.
    var versionId: Int64?
    var parameters: [String: LuaValue]?
    var dataset: String?
    var symbol: String?
    /// Seconds per bar the strategy sees. Whole numbers arrive as Doubles
    /// (like `seed`) so a fraction or a huge value is refused naming the
    /// field rather than failing the decoder.
    var timeframe: Double?
    var from: String?
    var to: String?
    var cash: String?
    /// A rate of notional: "0.001" is 0.1 %.
    var commission: String?
    /// A rate of price on market and stop fills: "0.0005" is 5 basis points.
    var slippage: String?
    var seed: Double?

    /// The largest seed accepted: JSON numbers stay exact up to 2^53 − 1.
    static let maximumSeed: Int64 = 9_007_199_254_740_991

    /// The settings asked for, each field checked (a refusal names it);
    /// `dataset` and `symbol` default to the given ones.
    func settings(dataset defaultDataset: String, symbol defaultSymbol: String) throws -> BacktestSettings {
        do throws(BacktestSettingsError) {
            var settings = BacktestSettings(dataset: dataset ?? defaultDataset, symbol: symbol ?? defaultSymbol)
            settings.timeframe = try timeframe.map { (value) throws(BacktestSettingsError) in
                try Self.whole(value, field: "timeframe", in: 1...86_400)
            }
            settings.from = try from.map { (text) throws(BacktestSettingsError) in try Self.time(text, field: "from") }
            settings.to = try to.map { (text) throws(BacktestSettingsError) in try Self.time(text, field: "to") }
            if let cash { settings.cash = try BacktestSettings.money(cash, field: "cash") }
            if let commission { settings.commission = try BacktestSettings.rate(commission, field: "commission") }
            if let slippage { settings.slippage = try BacktestSettings.rate(slippage, field: "slippage") }
            if let seed { settings.seed = UInt64(try Self.whole(seed, field: "seed", in: 0...Self.maximumSeed)) }
            try settings.validate()
            return settings
        } catch {
            throw APIError(error)
        }
    }

    static func whole(_ value: Double, field: String, in range: ClosedRange<Int64>) throws(BacktestSettingsError) -> Int64 {
        guard value.isFinite, value == value.rounded(), value >= Double(range.lowerBound), value <= Double(range.upperBound) else {
            throw BacktestSettingsError(field: field, issue: "must be a whole number between \(range.lowerBound) and \(range.upperBound)")
        }
        return Int64(value)
    }

    static func time(_ text: String, field: String) throws(BacktestSettingsError) -> Int64 {
        guard let seconds = APIUnits.parseTime(text) else {
            throw BacktestSettingsError(field: field, issue: "must be an ISO-8601 UTC time like 2023-01-01T00:00:00Z")
        }
        return seconds
    }
}

extension APIError {
    /// A refused backtest setting: 422 naming the field.
    init(_ error: BacktestSettingsError) { self = .invalid(error.field, error.issue) }
}

extension BacktestSettingsError: APIErrorConvertible { var apiError: APIError { APIError(self) } }

/// The job's effective settings, defaults filled in.
struct BacktestConfigView: Codable, Equatable {
    var dataset: String
    var symbol: String
    var timeframe: Int64?
    var from: Timestamp?
    var to: Timestamp?
    var cash: String
    var currency: String
    var commission: String
    var slippage: String
    var seed: UInt64

    init(_ settings: BacktestSettings) {
        dataset = settings.dataset
        symbol = settings.symbol
        timeframe = settings.timeframe
        from = Timestamp(settings.from)
        to = Timestamp(settings.to)
        cash = APIUnits.money(settings.cash)
        currency = APIUnits.currency
        commission = BacktestSettings.rateText(settings.commission)
        slippage = BacktestSettings.rateText(settings.slippage)
        seed = settings.seed
    }
}
