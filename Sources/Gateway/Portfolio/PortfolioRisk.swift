import Foundation
import Host
import Marketplace
import Platform

/// `GET /api/risk/portfolio` and `/api/risk/positions` (docs/api.md, "Portfolio risk").
struct PortfolioRisk {
    let gateway: Gateway

    /// The confidence levels VaR is reported at.
    static let confidences = [0.95, 0.99]
    /// Daily returns VaR needs before it is reported.
    static let minimumDays = 20

    func portfolio(_ holdings: [PortfolioRoutes.Holding]) async throws -> PortfolioRiskView {
        let routes = PortfolioRoutes(gateway: gateway)
        let now = try await routes.marketNow(holdings)
        let dayStart = DailyPnL.utcDay(of: now) * 86_400
        var totals = PortfolioSums()
        var exposures: [String: (long: Int128, short: Int128)] = [:]
        var deployments: [DeploymentRiskView] = []
        let ownerLimits = try await ownerLimits(holdings)
        for holding in holdings {
            let snapshot = holding.snapshot
            let sums = try await routes.sums(of: holding, dayStart: dayStart)
            totals.add(sums)
            let instruments = InstrumentResolver(account: snapshot.instruments, tape: gateway.tape)
            for position in snapshot.positions {
                let value = Int128(PositionRecord(position, instrument: instruments(position.symbol), mark: snapshot.marks[position.symbol])
                    .marketValue.units)
                if value >= 0 { exposures[position.symbol, default: (0, 0)].long += value } else { exposures[position.symbol, default: (0, 0)].short -= value }
            }
            let limits = LayeredRiskLimits(deployment: holding.deployment.risk, owner: ownerLimits).effective
            deployments.append(DeploymentRiskView(holding, sums: sums, limits: Self.distances(holding, sums: sums, limits: limits,
                                                                                             instruments: instruments)))
        }
        var view = PortfolioRiskView(asOf: Timestamp(now), totals: totals)
        view.exposures = exposures.keys.sorted().map { symbol in
            let (long, short) = exposures[symbol]!
            return ExposureView(symbol: symbol, long: APIUnits.money(long), short: APIUnits.money(short), net: APIUnits.money(long - short),
                                gross: APIUnits.money(long + short), weight: PortfolioRoutes.weight(long + short, of: totals.equity))
        }
        view.deployments = deployments

        // One-day historical VaR on the time-weighted index sampled at each market day's end.
        let histories = try await routes.histories(of: holdings, EquityWindow(from: .min, to: .max, points: 2))
        let first = histories.values.compactMap { $0.first?.time }.min(), last = histories.values.compactMap { $0.last?.time }.max()
        var returns: [Double] = []
        if let first, let last {
            var grid = Array(stride(from: DailyPnL.utcDay(of: first) * 86_400 + 86_399, to: last, by: 86_400))
            grid.append(last)
            returns = PortfolioCurve.dailyReturns(PortfolioCurve.index(Array(histories.values), at: grid, base: PortfolioRoutes.indexBase))
        }
        view.dailyReturns = returns.count
        view.valueAtRisk = Self.confidences.compactMap { confidence in
            PortfolioCurve.valueAtRisk(dailyReturns: returns, confidence: confidence, minimumDays: Self.minimumDays).map { risk in
                ValueAtRiskView(confidence: confidence, valueAtRisk: risk.valueAtRisk.reportedStatistic,
                                expectedShortfall: risk.expectedShortfall.reportedStatistic,
                                valueAtRiskAmount: APIUnits.money(LimitUsage.fraction(risk.valueAtRisk, of: totals.equity)),
                                expectedShortfallAmount: APIUnits.money(LimitUsage.fraction(risk.expectedShortfall, of: totals.equity)))
            }
        }
        if view.valueAtRisk.isEmpty {
            view.valueAtRiskNote = "needs \(Self.minimumDays) daily returns of market time; the history has \(returns.count)"
        }
        return view
    }

    func positions(_ holdings: [PortfolioRoutes.Holding]) async throws -> [PositionRiskView] {
        let ownerLimits = try await ownerLimits(holdings)
        return holdings.flatMap { holding -> [PositionRiskView] in
            let snapshot = holding.snapshot
            let instruments = InstrumentResolver(account: snapshot.instruments, tape: gateway.tape)
            let limits = LayeredRiskLimits(deployment: holding.deployment.risk, owner: ownerLimits).effective
            return snapshot.positions.map { position in
                let instrument = instruments(position.symbol)
                let record = PositionRecord(position, instrument: instrument, mark: snapshot.marks[position.symbol])
                let limit = limits.maxPositionQuantity.flatMap { $0.bySymbol[position.symbol] ?? $0.allSymbols }
                let limitLots = limit.map { $0.lots(quantityDecimals: instrument.quantityDecimals) }
                return PositionRiskView(deploymentId: holding.deployment.id.rawValue, position: PositionView(position, instrument, mark: snapshot.marks[position.symbol]),
                                        exposure: APIUnits.money(record.marketValue.magnitudeMoney),
                                        weight: PortfolioRoutes.weight(Int128(record.marketValue.units.magnitude), of: Int128(snapshot.equity.units)),
                                        positionLimit: limit?.description,
                                        utilization: limitLots.flatMap { $0 > 0 ? (Double(position.quantity.lots.magnitude) / Double($0)).reportedStatistic : nil })
            }
        }
    }

    /// The owner's own limits (one owner: the holdings are one user's).
    private func ownerLimits(_ holdings: [PortfolioRoutes.Holding]) async throws -> RiskLimits {
        guard let owner = holdings.first?.deployment.ownerID else { return .none }
        return try await gateway.store.read { try $0.ownerRiskLimits(of: owner) }
    }

    /// How far each limit the deployment has is from being reached (`LimitUsage`, which the alert engine watches too).
    static func distances(_ holding: PortfolioRoutes.Holding, sums: PortfolioSums, limits: RiskLimits,
                          instruments: InstrumentResolver) -> [LimitDistanceView] {
        LimitUsage.measure(equity: sums.equity, dayStartEquity: sums.dayStartEquity, grossExposure: sums.grossExposure,
                           positions: holding.snapshot.positions, limits: limits,
                           quantityDecimals: { instruments($0).quantityDecimals }).map(LimitDistanceView.init)
    }
}

extension Money {
    var magnitudeMoney: Int128 { Int128(units.magnitude) }
}

struct PortfolioRiskView: Codable, Sendable, ResponseEncodableBody {
    var currency = APIUnits.currency
    var asOf: Timestamp
    var equity: String
    var grossExposure: String
    var netExposure: String
    var leverage: Double?
    var exposures: [ExposureView] = []
    /// One-day historical VaR and expected shortfall, as fractions of equity and amounts.
    var method = "historical_daily"
    var dailyReturns = 0
    var valueAtRisk: [ValueAtRiskView] = []
    var valueAtRiskNote: String?
    var deployments: [DeploymentRiskView] = []

    init(asOf: Timestamp, totals: PortfolioSums) {
        self.asOf = asOf
        equity = APIUnits.money(totals.equity)
        grossExposure = APIUnits.money(totals.grossExposure)
        netExposure = APIUnits.money(totals.netExposure)
        leverage = totals.leverage
    }
}

struct ExposureView: Codable, Sendable {
    var symbol: String
    /// Market value of the long positions, of the short ones (positive), their difference and sum.
    var long: String
    var short: String
    var net: String
    var gross: String
    /// Gross ÷ the portfolio's equity.
    var weight: Double?
}

struct ValueAtRiskView: Codable, Sendable {
    var confidence: Double
    var horizonDays = 1
    /// Loss fractions of equity (positive).
    var valueAtRisk: Double
    var expectedShortfall: Double
    var valueAtRiskAmount: String
    var expectedShortfallAmount: String

    init(confidence: Double, valueAtRisk: Double, expectedShortfall: Double, valueAtRiskAmount: String, expectedShortfallAmount: String) {
        self.confidence = confidence
        self.valueAtRisk = valueAtRisk
        self.expectedShortfall = expectedShortfall
        self.valueAtRiskAmount = valueAtRiskAmount
        self.expectedShortfallAmount = expectedShortfallAmount
    }
}

struct DeploymentRiskView: Codable, Sendable {
    var deploymentId: Int64
    var strategyName: String
    var status: String
    var equity: String
    var dayPnL: String
    var grossExposure: String
    var limits: [LimitDistanceView]

    init(_ holding: PortfolioRoutes.Holding, sums: PortfolioSums, limits: [LimitDistanceView]) {
        deploymentId = holding.deployment.id.rawValue
        strategyName = holding.name
        status = holding.deployment.status.name
        equity = APIUnits.money(sums.equity)
        dayPnL = APIUnits.money(sums.dayPnL)
        grossExposure = APIUnits.money(sums.grossExposure)
        self.limits = limits
    }
}

/// One limit of a deployment: how much of it is used.
struct LimitDistanceView: Codable, Sendable {
    /// `daily_loss`, `gross_exposure`, `buying_power` or `position`.
    var limit: String
    var symbol: String?
    /// Money, or a quantity for `position`.
    var used: String
    var maximum: String
    var remaining: String
    /// used ÷ maximum (1 = reached).
    var utilization: Double?

    init(_ usage: LimitUsage) {
        limit = usage.limit.rawValue
        symbol = usage.symbol
        let format = { (value: Int128) in usage.quantityDecimals.map { APIUnits.decimal(value, decimals: $0) } ?? APIUnits.money(value) }
        used = format(usage.used)
        maximum = format(usage.maximum)
        remaining = format(max(0, usage.maximum - usage.used))
        utilization = usage.utilization.reportedStatistic
    }
}

struct PositionRiskView: Codable, Sendable {
    var deploymentId: Int64
    var position: PositionView
    /// |market value|.
    var exposure: String
    /// Exposure ÷ the deployment's equity.
    var weight: Double?
    /// The position limit that applies (a quantity), if any.
    var positionLimit: String?
    var utilization: Double?
}

extension PositionRiskView: SchemaDescribed, ResponseEncodableBody {
    static let schemaName = "PositionRisk"
    static var schema: JSONSchema {
        .record(["deploymentId": .id, "position": .ref(PositionView.self), "exposure": .exact],
                optional: ["weight": .number(), "positionLimit": .exact, "utilization": .number()])
    }
}

extension PortfolioRiskView: SchemaDescribed {
    static let schemaName = "PortfolioRisk"
    static var schema: JSONSchema {
        .record(["currency": .currency, "asOf": .timestamp, "equity": .exact, "grossExposure": .exact, "netExposure": .exact,
                 "exposures": .list(ExposureView.self), "method": .oneOfStrings(["historical_daily"]), "dailyReturns": .integer(minimum: 0),
                 "valueAtRisk": .list(ValueAtRiskView.self), "deployments": .list(DeploymentRiskView.self)],
                optional: ["leverage": .number(), "valueAtRiskNote": .text])
    }
}

extension ExposureView: SchemaDescribed {
    static let schemaName = "Exposure"
    static var schema: JSONSchema {
        .record(["symbol": .text, "long": .exact, "short": .exact, "net": .exact, "gross": .exact], optional: ["weight": .number()])
    }
}

extension ValueAtRiskView: SchemaDescribed {
    static let schemaName = "ValueAtRisk"
    static var schema: JSONSchema {
        .record(["confidence": .number(minimum: 0, maximum: 1), "horizonDays": .integer(minimum: 1), "valueAtRisk": .number(minimum: 0),
                 "expectedShortfall": .number(minimum: 0), "valueAtRiskAmount": .exact, "expectedShortfallAmount": .exact])
    }
}

extension DeploymentRiskView: SchemaDescribed {
    static let schemaName = "DeploymentRisk"
    static var schema: JSONSchema {
        .record(["deploymentId": .id, "strategyName": .text, "status": .oneOfStrings(["running", "halted", "faulted", "stopped"]),
                 "equity": .exact, "dayPnL": .exact, "grossExposure": .exact, "limits": .list(LimitDistanceView.self)])
    }
}

extension LimitDistanceView: SchemaDescribed {
    static let schemaName = "LimitDistance"
    static var schema: JSONSchema {
        .record(["limit": .oneOfStrings(["daily_loss", "gross_exposure", "buying_power", "position"]), "used": .exact, "maximum": .exact,
                 "remaining": .exact], optional: ["symbol": .text, "utilization": .number(minimum: 0)])
    }
}
