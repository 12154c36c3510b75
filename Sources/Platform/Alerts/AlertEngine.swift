import Dispatch
import Foundation
import Host
import Logging
import Marketplace
import Synchronization

/// Turns what deployments do into alerts (docs/api.md, "Alerts"): users'
/// rules on equity, drawdown and daily loss (one alert per breach, resolved
/// when the condition clears), on faults, halts, risk denials, fills and
/// kill switches (one alert per event), and the system's own alert when a
/// deployment has used 80 % of a limit it set (daily loss, gross exposure,
/// a position's size).
///
/// It hears committed journal notifications and kill-switch changes, and
/// works on its own serial queue: a deployment never waits for it. The
/// store holds the alerts and which breaches are active (so a restart does
/// not raise them again); each raised alert queues one delivery per webhook
/// of its owner in the same transaction, and reaches the listeners (the
/// WebSocket hub and the webhook dispatcher) once committed.
public final class AlertEngine: Sendable {
    /// The share of a limit past which the system alerts.
    public static let systemThreshold = 0.8
    /// How long a deployment's cached limits are trusted before they are read again.
    static let limitsRefresh: Duration = .seconds(5)
    /// Work items waiting past which new notifications are dropped (logged once per episode).
    static let maximumBacklog = 50_000

    /// What the engine keeps about one deployment.
    private struct Track {
        var owner: UserID
        var limits: RiskLimits
        var limitsRead: ContinuousClock.Instant
        /// The highest equity seen (history included).
        var peak: Int64
        /// The UTC market day whose start equity is `dayStartEquity`.
        var day: Int64
        var dayStartEquity: Int64
    }

    private struct State {
        var rules: [UserID: [AlertRule]]?
        var active: [UserID: Set<String>]?
        var tracks: [DeploymentID: Track] = [:]
    }

    private final class Handler: Sendable {
        let body: @Sendable (Alert) -> Void
        init(_ body: @escaping @Sendable (Alert) -> Void) { self.body = body }
    }

    private let store: MarketplaceStore
    private let runtime: DeploymentRuntime
    private let tape: MarketTape
    private let queue = DispatchQueue(label: "lunar.alerts")
    /// Touched only on `queue`.
    private let state = Mutex(State())
    private let backlog = Atomic<Int>(0)
    private let dropping = Atomic<Bool>(false)
    private let handlers = Mutex<[UUID: Handler]>([:])
    private let logger = Logger(label: "lunar.alerts")
    /// Wall-clock milliseconds (deliveries are due at once).
    private let nowMilliseconds: @Sendable () -> Int64

    init(store: MarketplaceStore, runtime: DeploymentRuntime, tape: MarketTape,
         nowMilliseconds: @escaping @Sendable () -> Int64 = { Int64(Date().timeIntervalSince1970 * 1000) }) {
        self.store = store
        self.runtime = runtime
        self.tape = tape
        self.nowMilliseconds = nowMilliseconds
        _ = runtime.addListener { [weak self] id, notification in self?.receive(DeploymentID(id), notification) }
    }

    /// Adds a listener for every alert raised or resolved; returns its key.
    @discardableResult
    public func addListener(_ body: @escaping @Sendable (Alert) -> Void) -> UUID {
        let key = UUID()
        handlers.withLock { $0[key] = Handler(body) }
        return key
    }

    public func removeListener(_ key: UUID) { _ = handlers.withLock { $0.removeValue(forKey: key) } }

    /// Rules or active alerts changed outside the engine (a rule added or
    /// deleted): read them again before the next evaluation.
    func reload() {
        enqueue { $0.rules = nil; $0.active = nil }
    }

    /// Waits until everything queued so far is evaluated (tests, shutdown).
    public func settle() { queue.sync {} }

    // MARK: - Inputs

    func receive(_ id: DeploymentID, _ notification: DeploymentNotification) {
        switch notification {
        case .equity(let sample): enqueue { self.evaluate(sample, of: id, &$0) }
        case .fill(let fill): enqueue { self.fill(fill, of: id, &$0) }
        case .order(let order):
            guard order.status == .rejected, let reason = order.reason, Self.riskGateCodes.contains(reason.code) else { return }
            enqueue { self.denial(order, reason, of: id, &$0) }
        case .status(.faulted(let reason)):
            enqueue { self.event(.faulted, of: id, severity: .critical, message: "deployment \(id) faulted: \(reason)", time: nil, &$0) }
        case .status(.halted(let reason)):
            enqueue { self.event(.halted, of: id, severity: .warning, message: "deployment \(id) halted: \(reason)", time: nil, &$0) }
        case .status, .log: return
        }
    }

    /// A kill switch was engaged (stored and enforced): the owners it covers who asked to hear of it.
    func killSwitchEngaged(_ engaged: EngagedKillSwitch) {
        enqueue { state in
            let scope: String, owners: [(UserID, DeploymentID?)]
            switch engaged.target {
            case .global:
                scope = "the global kill switch"
                owners = (self.rules(&state).filter { $0.value.contains { $0.kind == .killSwitch } }.keys).sorted().map { ($0, nil) }
            case .owner(let owner):
                scope = "your kill switch"
                owners = [(owner, nil)]
            case .deployment(let id):
                scope = "the kill switch of deployment \(id)"
                guard let owner = self.track(id, &state)?.owner ?? (try? self.store.runSpec(of: id).deployment.ownerID) else { return }
                owners = [(owner, id)]
            }
            for (owner, deployment) in owners {
                let rules = self.rules(&state)[owner, default: []].filter { rule in
                    rule.kind == .killSwitch && (deployment.map(rule.covers) ?? (rule.deploymentID == nil))
                }
                guard let rule = rules.first else { continue }
                self.raise(AlertDraft(ownerID: owner, deploymentID: deployment, ruleID: rule.id, kind: AlertRuleKind.killSwitch.rawValue,
                                      severity: .critical, message: "\(scope) was engaged (\(engaged.level == .reduceOnly ? "reduce-only" : "halt")): \(engaged.reason)",
                                      marketTime: self.tape.latestTime, breachKey: nil), &state)
            }
        }
    }

    /// The reason codes of the pre-trade gate (a refusal there is a risk denial).
    static let riskGateCodes: Set<OrderReasonCode> = {
        let all = OrderReasonCode.allCases
        return Set(all.prefix(through: all.firstIndex(of: .dailyLoss)!))
    }()

    // MARK: - Evaluation (on the queue)

    private func enqueue(_ work: @escaping @Sendable (inout State) -> Void) {
        guard backlog.add(1, ordering: .relaxed).newValue <= Self.maximumBacklog else {
            backlog.subtract(1, ordering: .relaxed)
            if !dropping.exchange(true, ordering: .relaxed) { logger.error("alert engine backlog full: notifications dropped") }
            return
        }
        queue.async { [self] in
            backlog.subtract(1, ordering: .relaxed)
            state.withLock { work(&$0) }
        }
    }

    private func rules(_ state: inout State) -> [UserID: [AlertRule]] {
        if let rules = state.rules { return rules }
        let rules = Dictionary(grouping: (try? store.allAlertRules()) ?? [], by: \.ownerID)
        state.rules = rules
        return rules
    }

    private func active(_ owner: UserID, _ state: inout State) -> Set<String> {
        if state.active == nil { state.active = (try? store.activeBreaches()) ?? [:] }
        return state.active?[owner] ?? []
    }

    /// The deployment's track, made (or its limits read again) as needed; nil if the deployment is gone.
    private func track(_ id: DeploymentID, _ state: inout State) -> Track? {
        let now = ContinuousClock.now
        if let track = state.tracks[id], now - track.limitsRead < Self.limitsRefresh { return track }
        guard let spec = try? store.runSpec(of: id) else { return nil }
        let owner = spec.deployment.ownerID
        let limits = LayeredRiskLimits(deployment: spec.deployment.risk, owner: (try? store.ownerRiskLimits(of: owner)) ?? .none).effective
        if var track = state.tracks[id] {
            track.limits = limits
            track.limitsRead = now
            state.tracks[id] = track
            return track
        }
        let track = Track(owner: owner, limits: limits, limitsRead: now, peak: (try? store.peakEquity(of: id)) ?? .min, day: .min,
                          dayStartEquity: 0)
        state.tracks[id] = track
        return track
    }

    private func evaluate(_ sample: EquitySample, of id: DeploymentID, _ state: inout State) {
        guard var track = track(id, &state) else { return }
        let equity = sample.equity.units
        track.peak = max(track.peak, equity)
        let day = DailyPnL.utcDay(of: sample.time)
        if day != track.day {
            // The day's P&L starts where `/api/portfolio` starts it: the last point before the day, else the starting cash.
            let before = (try? store.lastEquity(of: id, before: day * 86_400))?.equity
            track.day = day
            track.dayStartEquity = before ?? runtime.snapshot(id)?.initialCash.units ?? equity
        }
        state.tracks[id] = track
        let owner = track.owner

        for rule in rules(&state)[owner, default: []] where rule.kind.isCondition && rule.covers(id) {
            guard let threshold = rule.threshold else { continue }
            let key = "rule:\(rule.id):deployment:\(id)"
            let value: Int64, breached: Bool, message: String
            switch rule.kind {
            case .equityBelow:
                value = equity
                breached = equity < threshold
                message = "deployment \(id) equity \(Self.money(equity)) is below \(Self.money(threshold))"
            case .drawdownAbove:
                value = Self.drawdown(equity: equity, peak: track.peak)
                breached = value > threshold
                message = "deployment \(id) is \(Self.percent(value)) below its highest equity \(Self.money(track.peak)), past \(Self.percent(threshold))"
            case .dailyLossAbove:
                let (loss, overflow) = track.dayStartEquity.subtractingReportingOverflow(equity)
                value = overflow ? .max : loss
                breached = value > threshold
                message = "deployment \(id) lost \(Self.money(value)) today, more than \(Self.money(threshold))"
            case .faulted, .halted, .riskDenial, .fill, .killSwitch: continue
            }
            condition(key, of: owner, breached: breached, state: &state) {
                AlertDraft(ownerID: owner, deploymentID: id, ruleID: rule.id, kind: rule.kind.rawValue,
                           severity: rule.kind == .equityBelow ? .critical : .warning, message: message, unit: rule.kind.unit,
                           value: value, threshold: threshold, marketTime: sample.time, breachKey: key)
            }
        }

        // The system's own: 80 % of a limit the deployment (or its owner) set. Buying power is left
        // out: a fully invested cash account uses all of it by design.
        // Positions matter only to position limits: no snapshot of the account per sample otherwise.
        let snapshot = track.limits.maxPositionQuantity == nil ? nil : runtime.snapshot(id)
        let usages = LimitUsage.measure(equity: Int128(equity), dayStartEquity: Int128(track.dayStartEquity),
                                        grossExposure: Int128(sample.grossExposure.units), positions: snapshot?.positions ?? [],
                                        limits: track.limits,
                                        quantityDecimals: { symbol in
                                            snapshot?.instruments.first { $0.symbol == symbol }?.quantityDecimals
                                                ?? self.tape.instrument(symbol)?.quantityDecimals ?? 0
                                        })
        for usage in usages where usage.limit != .buyingPower {
            let key = "limit:\(id):\(usage.limit.rawValue)" + (usage.symbol.map { ":\($0)" } ?? "")
            let share = usage.utilization
            condition(key, of: owner, breached: share >= Self.systemThreshold, state: &state) {
                let name = usage.limit.rawValue.replacingOccurrences(of: "_", with: " ") + (usage.symbol.map { " of \($0)" } ?? "")
                return AlertDraft(ownerID: owner, deploymentID: id, ruleID: nil, kind: "limit_approaching",
                                  severity: share >= 1 ? .critical : .warning,
                                  message: "deployment \(id) has used \(Self.percent(Self.ratio(share))) of its \(name) limit",
                                  unit: .fraction, value: Self.ratio(share), threshold: Self.ratio(Self.systemThreshold),
                                  limit: usage.limit.rawValue, symbol: usage.symbol, marketTime: sample.time, breachKey: key)
            }
        }
    }

    /// Raises the breach's alert when it starts, resolves it when it clears.
    /// The draft is made only when an alert is raised (its message is formatted once per breach, not per sample).
    private func condition(_ key: String, of owner: UserID, breached: Bool, state: inout State, draft: () -> AlertDraft) {
        let isActive = active(owner, &state).contains(key)
        if breached, !isActive {
            raise(draft(), &state)
        } else if !breached, isActive {
            state.active?[owner]?.remove(key)
            do {
                if let resolved = try store.resolveAlert(owner: owner, breachKey: key) { publish(resolved) }
            } catch {
                logger.error("alert \(key) could not be resolved: \(error)")
            }
        }
    }

    private func fill(_ fill: Fill, of id: DeploymentID, _ state: inout State) {
        let instrument = tape.instrument(fill.symbol)
        let quantity = FixedPoint.format(fill.quantity.lots, decimals: instrument?.quantityDecimals ?? 0)
        let price = FixedPoint.format(fill.price.ticks, decimals: instrument?.priceDecimals ?? 0)
        event(.fill, of: id, severity: .info, message: "deployment \(id) \(fill.side == .buy ? "bought" : "sold") \(quantity) \(fill.symbol) at \(price)",
              time: fill.time, &state)
    }

    private func denial(_ order: Order, _ reason: OrderReason, of id: DeploymentID, _ state: inout State) {
        event(.riskDenial, of: id, severity: .warning,
              message: "deployment \(id): order \(order.id) (\(order.symbol)) refused by the risk gate, \(reason.code.rawValue): \(reason.message)",
              time: order.updatedAt, &state)
    }

    /// One alert per rule of `kind` covering the deployment.
    private func event(_ kind: AlertRuleKind, of id: DeploymentID, severity: AlertSeverity, message: String, time: Int64?,
                       _ state: inout State) {
        guard let owner = track(id, &state)?.owner else { return }
        for rule in rules(&state)[owner, default: []] where rule.kind == kind && rule.covers(id) {
            raise(AlertDraft(ownerID: owner, deploymentID: id, ruleID: rule.id, kind: kind.rawValue, severity: severity, message: message,
                             marketTime: time ?? tape.latestTime, breachKey: nil), &state)
        }
    }

    private func raise(_ draft: AlertDraft, _ state: inout State) {
        do {
            guard let alert = try store.raiseAlert(draft, nextAttemptAt: nowMilliseconds()) else { return }
            if let key = draft.breachKey { state.active?[draft.ownerID, default: []].insert(key) }
            publish(alert)
        } catch {
            logger.error("alert could not be stored (\(draft.kind), deployment \(draft.deploymentID?.description ?? "-")): \(error)")
        }
    }

    /// Passes an alert changed outside the engine (a rule's deletion resolved it) to the listeners.
    func announce(_ alert: Alert) { publish(alert) }

    private func publish(_ alert: Alert) {
        for handler in handlers.withLock({ Array($0.values) }) { handler.body(alert) }
    }

    // MARK: - Measures

    /// (peak − equity) ÷ peak in 10⁻⁸ (0 without a positive peak).
    static func drawdown(equity: Int64, peak: Int64) -> Int64 {
        guard peak > 0, equity < peak else { return 0 }
        return Int64((Int128(peak) - Int128(equity)) * 100_000_000 / Int128(peak))
    }

    /// A share as a fraction in 10⁻⁸.
    static func ratio(_ share: Double) -> Int64 {
        let scaled = (share * 100_000_000).rounded()
        return scaled.isFinite ? Int64(max(-9e18, min(9e18, scaled))) : 0
    }

    static func money(_ units: Int64) -> String { FixedPoint.format(units / 1_000_000, decimals: 2) }
    /// A fraction (10⁻⁸) as a percentage with two decimals: 1,500,000 → "1.50 %".
    static func percent(_ fraction: Int64) -> String { FixedPoint.format(fraction / 10_000, decimals: 2) + " %" }
}
