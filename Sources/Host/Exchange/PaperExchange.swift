/// A simulated venue that matches working orders against market events
/// (bars, trades, book snapshots) under the rules of docs/fills.md.
///
/// A value: no I/O, no clock, no randomness. Given the same calls it yields
/// the same events. Orders arrive already past the risk gate; the exchange
/// does not know positions or cash (equity-fraction orders are sized through
/// a `FillSizer`, reduce-only is the caller's to enforce).
///
/// Working orders live in one array per instrument, in submission order,
/// which is also matching priority. With nothing working, an event costs a
/// counter increment; otherwise finding its instrument costs a comparison
/// with the previous event's symbol (a hash lookup when it differs). No
/// allocation happens unless an order changes.
public struct PaperExchange: Sendable {
    /// Fees, slippage and liquidity limits.
    public let configuration: ExchangeConfiguration
    /// The instruments the exchange trades, in the order `openOrders(symbol: nil)` lists them.
    public let instruments: [Instrument]

    let instrumentIndex: [String: Int]
    /// Working orders per instrument index, in submission order.
    var working: [[WorkingOrder]]
    /// Instrument index of every working order, for lookups by id.
    var locations: [OrderID: Int]
    /// How many orders are working across all instruments.
    var workingCount = 0
    /// Numbers market events; an order is matched only against events
    /// numbered after the one current when it was submitted.
    var eventSequence: UInt64 = 0
    /// Set when an order reaches a terminal status; cleared by `removeFinished`.
    var hasFinishedOrders = false
    /// The symbol of the last market event and its index: most event streams
    /// repeat a symbol, and comparing it is cheaper than hashing it.
    var lastSymbol: String?
    var lastInstrument = 0

    /// An exchange for `instruments` (symbols must be distinct).
    public init(configuration: ExchangeConfiguration = ExchangeConfiguration(), instruments: [Instrument]) {
        self.configuration = configuration
        self.instruments = instruments
        var index: [String: Int] = [:]
        for (position, instrument) in instruments.enumerated() {
            precondition(index.updateValue(position, forKey: instrument.symbol) == nil,
                         "duplicate instrument \(instrument.symbol)")
        }
        self.instrumentIndex = index
        self.working = Array(repeating: [], count: instruments.count)
        self.locations = [:]
    }

    // MARK: - Submitting

    /// Makes an accepted order working and returns `.orderUpdated` with it
    /// (status `.accepted`), or with it rejected when the exchange cannot
    /// take it (`unknownInstrument`, `duplicateOrderID`, `invalidOrder`).
    ///
    /// It never fills here: it is matched only against market events of its
    /// symbol delivered after this call and stamped at or after `now` (for a
    /// bar, its opening time). `now` is when the decision was made — for a
    /// decision on a bar, the bar's close (`bar.time + timeframe`, as
    /// `MarketEvent.time` gives it) — so the first price it can have is the
    /// next bar's open. An order that is not `.accepted` yields no events.
    public mutating func submit(_ order: Order, now: Int64) -> [ExchangeEvent] {
        guard order.status == .accepted else { return [] }
        if let reason = refusal(of: order) { return [.orderUpdated(Self.rejected(order, reason, now))] }
        insert(order, role: .plain, now: now)
        return [.orderUpdated(order)]
    }

    /// Cancels a working order with `reason`. Canceling a bracket entry that
    /// has filled nothing also cancels its legs (`parentCanceled`); once it
    /// has filled, its legs stay to protect what was filled. Returns no
    /// events when `id` is not working.
    public mutating func cancel(_ id: OrderID, now: Int64, reason: OrderReason) -> [ExchangeEvent] {
        guard let instrument = locations[id],
              let index = working[instrument].firstIndex(where: { $0.order.id == id }) else { return [] }
        var events: [ExchangeEvent] = []
        terminate(instrument, index, .canceled, reason, time: now, into: &events)
        removeFinished(instrument)
        return events
    }

    /// Cancels every working order of `symbol` (nil: all symbols), in
    /// matching priority.
    public mutating func cancelAll(symbol: String?, now: Int64, reason: OrderReason) -> [ExchangeEvent] {
        var events: [ExchangeEvent] = []
        for instrument in instrumentIndices(symbol) {
            for index in working[instrument].indices where !working[instrument][index].order.status.isTerminal {
                terminate(instrument, index, .canceled, reason, time: now, into: &events)
            }
            removeFinished(instrument)
        }
        return events
    }

    // MARK: - Queries

    /// Working orders of `symbol` (nil: every symbol, in instrument order),
    /// in matching priority; dormant bracket legs included. Finished orders
    /// are not kept: their last event is their final state.
    public func openOrders(symbol: String?) -> [Order] {
        instrumentIndices(symbol).flatMap { working[$0].map(\.order) }
    }

    /// The working order with `id`, or nil if it is unknown or finished.
    public func order(_ id: OrderID) -> Order? {
        guard let instrument = locations[id] else { return nil }
        return working[instrument].first(where: { $0.order.id == id })?.order
    }

    /// Whether any order is working on any symbol.
    public var hasWorkingOrders: Bool { workingCount > 0 }

    // MARK: - Storage

    /// The index of a market event's instrument when it has working orders.
    @inline(__always)
    mutating func workingInstrument(_ symbol: String) -> Int? {
        guard workingCount > 0 else { return nil }
        if symbol != lastSymbol {
            guard let index = instrumentIndex[symbol] else { return nil }
            lastSymbol = symbol
            lastInstrument = index
        }
        return working[lastInstrument].isEmpty ? nil : lastInstrument
    }

    func instrumentIndices(_ symbol: String?) -> [Int] {
        guard let symbol else { return Array(instruments.indices) }
        return instrumentIndex[symbol].map { [$0] } ?? []
    }

    mutating func insert(_ order: Order, role: WorkingOrder.Role, now: Int64) {
        let instrument = instrumentIndex[order.symbol]!
        working[instrument].append(WorkingOrder(order: order, role: role, armed: false,
                                                armedSequence: eventSequence, eligibleFrom: now))
        locations[order.id] = instrument
        workingCount += 1
    }

    /// Drops finished orders of one instrument (their events are already out).
    mutating func removeFinished(_ instrument: Int) {
        guard hasFinishedOrders else { return }
        hasFinishedOrders = false
        let before = working[instrument].count
        for entry in working[instrument] where entry.order.status.isTerminal {
            locations[entry.order.id] = nil
        }
        working[instrument].removeAll { $0.order.status.isTerminal }
        workingCount -= before - working[instrument].count
    }
}
