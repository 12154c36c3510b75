import Foundation
import Host
import Hummingbird
import Marketplace
import Platform

/// `/api/portfolio*` and `/api/risk/portfolio|positions`: a user's
/// deployments added up (docs/api.md, "Portfolio" and "Portfolio risk").
struct PortfolioRoutes {
    let gateway: Gateway

    /// The time-weighted index the performance figures are computed on starts here.
    static let indexBase = Money(1_000_000)
    static let defaultPoints = 1_000

    func add(to group: APIRoutes, risk: APIRoutes) {
        group.get("portfolio",
                  "All my deployments together: equity, cash, day and total P&L, positions by symbol, allocation, exposure") { _, context in
            let user = try context.requireIdentity().user
            return try await overview(try await holdings(of: user.id))
        }
        group.get("portfolio/history",
                  "The summed equity curve of my deployments (?from=&to= market times, ?points=2..5000, default 500)") { request, context in
            let user = try context.requireIdentity().user
            let window = try EquityWindow(request)
            let histories = try await histories(of: try await holdings(of: user.id), window)
            let grid = Self.grid(histories.values, window)
            return PortfolioHistoryView(points: PortfolioCurve.totals(Array(histories.values), at: grid).map(PortfolioPointView.init))
        }
        group.get("portfolio/performance",
                  "Return, volatility, Sharpe, Sortino, drawdown, win rate, profit factor of my deployments over a period, time-weighted, with a buy-and-hold benchmark (?from=&to=&points=&benchmark=SYMBOL)")
        { request, context in
            let user = try context.requireIdentity().user
            let window = try EquityWindow(request, defaultPoints: Self.defaultPoints)
            let symbol = try request.query("benchmark") { gateway.tape.instrument($0) != nil ? $0 : nil } ?? gateway.tape.instruments.first?.symbol
            return try await performance(try await holdings(of: user.id), window, benchmark: symbol)
        }
        group.on(.get, "portfolio/export",
                 "Positions, closed trades, fills and the equity history for a period (?format=json, or ?format=csv&part=positions|trades|fills|equity; ?from=&to=)",
                 response: PortfolioExport.documentation) { request, context in
            let user = try context.requireIdentity().user
            return try await PortfolioExport(gateway: gateway).export(request, context: context, holdings: try await holdings(of: user.id))
        }
        risk.get("risk/portfolio",
                 "Exposure per symbol and in total, leverage, one-day historical VaR and expected shortfall at 95 % and 99 %, each deployment's distance to its limits")
        { _, context in
            let user = try context.requireIdentity().user
            return try await PortfolioRisk(gateway: gateway).portfolio(try await holdings(of: user.id))
        }
        risk.get("risk/positions", "Each open position of each deployment with its exposure and its position limit") { _, context in
            let user = try context.requireIdentity().user
            return try await PortfolioRisk(gateway: gateway).positions(try await holdings(of: user.id))
        }
    }

    // MARK: - Gathering

    /// One deployment of the portfolio with its account (live, or as its last checkpoint left it).
    struct Holding {
        var deployment: Deployment
        var name: String
        var snapshot: DeploymentSnapshot
        var running: Bool
    }

    /// The user's deployments that have an account (never-started ones have none).
    func holdings(of user: UserID) async throws -> [Holding] {
        let deployments = try await gateway.store.read { try $0.deployments(of: user, by: user) }
        let names = try await gateway.store.read { try $0.deploymentNames(deployments.map(\.id)) }
        var holdings: [Holding] = []
        for deployment in deployments {
            guard let (snapshot, running) = try await gateway.platform.account(deployment.id) else { continue }
            holdings.append(Holding(deployment: deployment, name: names[deployment.id]?.strategyName ?? "", snapshot: snapshot, running: running))
        }
        return holdings
    }

    /// Each holding's samples up to the window's end (the one before `from`
    /// gives the value at `from`), once what it reported is written.
    func histories(of holdings: [Holding], _ window: EquityWindow) async throws -> [DeploymentID: [EquitySample]] {
        var histories: [DeploymentID: [EquitySample]] = [:]
        for holding in holdings {
            let id = holding.deployment.id
            if holding.running { _ = try await gateway.platform.settledJournal(of: id) }
            histories[id] = try await gateway.store.read { try $0.equityHistory(of: id, to: window.to) }.map(EquitySample.init)
        }
        return histories
    }

    /// `points` times over the window, clipped to the samples there are.
    static func grid(_ histories: some Collection<[EquitySample]>, _ window: EquityWindow) -> [Int64] {
        let first = histories.compactMap { $0.first?.time }.min(), last = histories.compactMap { $0.last?.time }.max()
        guard let first, let last else { return [] }
        let from = max(window.from, first), to = min(window.to, last)
        guard from <= to else { return [] }
        return PortfolioCurve.grid(from: from, to: to, count: window.points)
    }

    /// The market's "now": the feed's latest time, else the latest account sample.
    func marketNow(_ holdings: [Holding]) async throws -> Int64 {
        if let time = gateway.tape.latestTime { return time }
        var latest = gateway.clock.now
        for holding in holdings {
            if let point = try await gateway.store.read({ try $0.lastEquity(of: holding.deployment.id, before: .max) }) { latest = max(latest, point.time) }
        }
        return latest
    }

    // MARK: - Overview

    func overview(_ holdings: [Holding]) async throws -> PortfolioView {
        let now = try await marketNow(holdings)
        let dayStart = DailyPnL.utcDay(of: now) * 86_400
        var view = PortfolioView(asOf: Timestamp(now))
        var totals = PortfolioSums()
        var bySymbol: [String: PositionSums] = [:]
        var rows: [(Holding, PortfolioSums)] = []
        for holding in holdings {
            let snapshot = holding.snapshot
            let sums = try await self.sums(of: holding, dayStart: dayStart)
            totals.add(sums)
            rows.append((holding, sums))
            let instruments = InstrumentResolver(account: snapshot.instruments, tape: gateway.tape)
            for position in snapshot.positions {
                bySymbol[position.symbol, default: PositionSums(instrument: instruments(position.symbol))]
                    .add(position, mark: snapshot.marks[position.symbol])
            }
        }
        view.totals = PortfolioTotalsView(totals)
        view.deployments = rows.map { holding, sums in
            PortfolioDeploymentView(holding, sums, weight: Self.weight(sums.equity, of: totals.equity))
        }
        view.positions = bySymbol.keys.sorted().map { PortfolioPositionView(bySymbol[$0]!) }
        view.allocation = AllocationView(
            bySymbol: bySymbol.keys.sorted().map { symbol in
                AllocationView.Share(key: symbol, value: APIUnits.money(bySymbol[symbol]!.marketValue),
                                     weight: Self.weight(bySymbol[symbol]!.marketValue, of: totals.equity))
            },
            byDeployment: rows.map { holding, sums in
                AllocationView.Share(key: String(holding.deployment.id.rawValue), value: APIUnits.money(sums.equity),
                                     weight: Self.weight(sums.equity, of: totals.equity))
            })
        return view
    }

    /// One holding's figures; its day P&L runs from its last sample before
    /// `dayStart` (an account that opened that day: from its cash).
    func sums(of holding: Holding, dayStart: Int64) async throws -> PortfolioSums {
        let dayStartEquity = try await gateway.store.read { try $0.lastEquity(of: holding.deployment.id, before: dayStart) }
            .map { Money(units: $0.equity) } ?? holding.snapshot.initialCash
        var sums = PortfolioSums()
        sums.add(holding.snapshot, dayStartEquity: dayStartEquity)
        return sums
    }

    /// `part ÷ whole` as a statistic; nil when the whole is not positive.
    static func weight(_ part: Int128, of whole: Int128) -> Double? {
        whole > 0 ? (Double(part) / Double(whole)).reportedStatistic : nil
    }

    // MARK: - Performance

    func performance(_ holdings: [Holding], _ window: EquityWindow, benchmark symbol: String?) async throws -> PortfolioPerformanceView {
        let histories = try await histories(of: holdings, window)
        let grid = Self.grid(histories.values, window)
        guard let from = grid.first, let to = grid.last else {
            return PortfolioPerformanceView(from: nil, to: nil, points: 0, startEquity: nil, endEquity: nil, metrics: nil,
                                   benchmark: nil, benchmarkNote: "no deployment has an equity history in the period")
        }
        let totals = PortfolioCurve.totals(Array(histories.values), at: grid)
        let index = PortfolioCurve.index(Array(histories.values), at: grid, base: Self.indexBase)
        var trades: [ClosedTrade] = []
        for holding in holdings {
            guard let checkpoint = try await gateway.platform.savedCheckpoint(holding.deployment.id) else { continue }
            trades += try await gateway.platform.closedTrades(holding.deployment.id, like: checkpoint)
                .filter { $0.exitTime >= from && $0.exitTime <= to }
        }
        trades.sort { ($0.exitTime, $0.entryTime) < ($1.exitTime, $1.entryTime) }
        let metrics = BacktestMetrics(equityCurve: index, trades: trades, barCount: grid.count,
                                      barsInMarket: totals.filter { $0.grossExposure != 0 }.count)
        var view = PortfolioPerformanceView(from: Timestamp(from), to: Timestamp(to), points: grid.count,
                                   startEquity: APIUnits.money(totals.first!.equity), endEquity: APIUnits.money(totals.last!.equity),
                                   metrics: BacktestMetricsView(metrics), benchmark: nil, benchmarkNote: nil)
        guard let symbol, let history = gateway.tape.snapshot(symbol)?.history else {
            view.benchmarkNote = "no benchmark symbol has prices"
            return view
        }
        // Buy and hold from the first grid time the symbol has a price at.
        let prices = history.closes(at: grid)
        let start = prices.firstIndex { $0 != nil && $0!.ticks > 0 }
        guard let start, grid.count - start >= 2, let first = prices[start] else {
            view.benchmarkNote = "\(symbol) has no prices over the period (the feed's price history starts with the server)"
            return view
        }
        let curve = (start..<grid.count).map { index in
            EquityPoint(time: grid[index], equity: Money(approximately: Self.indexBase.doubleValue * Double(prices[index]!.ticks) / Double(first.ticks)))
        }
        view.benchmark = BenchmarkView(symbol: symbol, from: Timestamp(grid[start]),
                                       metrics: BacktestMetricsView(BacktestMetrics(equityCurve: curve, trades: [], barCount: curve.count,
                                                                                    barsInMarket: curve.count)))
        if start > 0 { view.benchmarkNote = "\(symbol) has prices from \(APIUnits.time(grid[start])) on (the feed's price history starts with the server)" }
        return view
    }
}

// MARK: - Sums

/// One or many accounts added up, in money units (`Int128`: exact at any count).
struct PortfolioSums {
    var equity: Int128 = 0
    var cash: Int128 = 0
    var startingCash: Int128 = 0
    var dayStartEquity: Int128 = 0
    var realizedPnL: Int128 = 0
    var unrealizedPnL: Int128 = 0
    var fees: Int128 = 0
    var grossExposure: Int128 = 0
    var netExposure: Int128 = 0
    var openPositions = 0

    mutating func add(_ snapshot: DeploymentSnapshot, dayStartEquity: Money) {
        equity += Int128(snapshot.equity.units)
        cash += Int128(snapshot.cash.units)
        startingCash += Int128(snapshot.initialCash.units)
        self.dayStartEquity += Int128(dayStartEquity.units)
        realizedPnL += Int128(snapshot.realizedPnL.units)
        unrealizedPnL += Int128(snapshot.unrealizedPnL.units)
        fees += Int128(snapshot.fees.units)
        grossExposure += Int128(snapshot.grossExposure.units)
        netExposure += Int128(snapshot.netExposure.units)
        openPositions += snapshot.positions.count
    }

    mutating func add(_ other: PortfolioSums) {
        equity += other.equity
        cash += other.cash
        startingCash += other.startingCash
        dayStartEquity += other.dayStartEquity
        realizedPnL += other.realizedPnL
        unrealizedPnL += other.unrealizedPnL
        fees += other.fees
        grossExposure += other.grossExposure
        netExposure += other.netExposure
        openPositions += other.openPositions
    }

    var totalPnL: Int128 { equity - startingCash }
    var dayPnL: Int128 { equity - dayStartEquity }
    /// Gross exposure ÷ equity.
    var leverage: Double? { PortfolioRoutes.weight(grossExposure, of: equity) }
}

/// Positions in one symbol across deployments.
struct PositionSums {
    var instrument: Instrument
    var lots: Int128 = 0
    var costBasis: Int128 = 0
    var marketValue: Int128 = 0
    var unrealizedPnL: Int128 = 0
    var mark: Price?
    var deployments = 0

    init(instrument: Instrument) { self.instrument = instrument }

    mutating func add(_ position: Position, mark: Price?) {
        let record = PositionRecord(position, instrument: instrument, mark: mark)
        lots += Int128(position.quantity.lots)
        costBasis += Int128(position.costBasis.units)
        marketValue += Int128(record.marketValue.units)
        unrealizedPnL += Int128(record.unrealizedPnL.units)
        if let mark { self.mark = mark }
        deployments += 1
    }

    /// Cost basis ÷ quantity on the price grid (half away from zero); nil when flat.
    var averagePrice: String? {
        guard lots != 0 else { return nil }
        let scale = Int128(FixedPoint.power(instrument.quantityDecimals)) * Int128(FixedPoint.power(instrument.priceDecimals))
        let numerator = costBasis * scale, denominator = lots * Int128(FixedPoint.power(Money.decimals))
        var ticks = numerator / denominator
        let remainder = numerator % denominator
        if remainder != 0, (remainder.magnitude * 2) >= denominator.magnitude { ticks += (numerator < 0) != (denominator < 0) ? -1 : 1 }
        return APIUnits.decimal(ticks, decimals: instrument.priceDecimals)
    }
}

extension APIUnits {
    /// Money units (10⁻⁸) of any size as the API's decimal string.
    static func money(_ units: Int128) -> String { decimal(units, decimals: Money.decimals) }

    /// `value` × 10^-decimals as a decimal string ("-12.50000000").
    static func decimal(_ value: Int128, decimals: Int) -> String {
        let scale = Int128(FixedPoint.power(decimals))
        let magnitude = value.magnitude
        let whole = magnitude / UInt128(scale), fraction = magnitude % UInt128(scale)
        var text = String(fraction)
        text = String(repeating: "0", count: max(0, decimals - text.count)) + text
        return (value < 0 ? "-" : "") + String(whole) + (decimals > 0 ? "." + text : "")
    }
}
