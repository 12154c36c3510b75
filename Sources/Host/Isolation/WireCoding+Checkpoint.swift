// The binary form of a checkpoint: sent for every active deployment at the
// end of every batch, so it is kept compact and cheap to read.

extension WireWriter {
    mutating func checkpoint(_ checkpoint: DeploymentCheckpoint) {
        string(checkpoint.id)
        status(checkpoint.status)
        integer(checkpoint.time)
        integer(checkpoint.nextOrderID)
        portfolio(checkpoint.portfolio)
        count(checkpoint.workingOrders.count)
        for record in checkpoint.workingOrders {
            order(record.order)
            byte(record.role)
            bool(record.armed)
            integer(record.armedSequence)
            integer(record.eligibleFrom)
        }
        integer(checkpoint.exchangeSequence)
        optional(checkpoint.state) { $0.lua($1) }
        count(checkpoint.timers.count)
        for timer in checkpoint.timers {
            string(timer.name)
            integer(timer.due)
            optional(timer.interval) { $0.integer($1) }
        }
        count(checkpoint.subscriptions.count)
        for symbol in checkpoint.subscriptions.keys.sorted() {
            string(symbol)
            count(checkpoint.subscriptions[symbol]!.count)
            for kind in checkpoint.subscriptions[symbol]! { string(kind.rawValue) }
        }
        integer(Int64(checkpoint.fillCount))
    }

    /// The account without its finished round trips (see `checkpoint()`).
    mutating func portfolio(_ portfolio: Portfolio) {
        for money in [portfolio.initialCash, portfolio.cash, portfolio.realizedPnL, portfolio.fees,
                      portfolio.markValueTotal, portfolio.grossExposureTotal, portfolio.costBasisTotal,
                      portfolio.dayRealizedPnL, portfolio.dayFees] {
            integer(money.units)
        }
        integer(Int64(portfolio.openPositionCount))
        integer(portfolio.day)
        bool(portfolio.recordsTrades)
        count(portfolio.slots.count)
        for slot in portfolio.slots {
            instrument(slot.instrument)
            integer(slot.position.quantity.lots)
            for money in [slot.position.costBasis, slot.position.realizedPnL, slot.position.fees, slot.markValue] {
                integer(money.units)
            }
            integer(slot.mark.ticks)
            bool(slot.hasMark)
            let trade = slot.trade
            side(trade.side)
            for value in [trade.entryTime, trade.entryLots, trade.entryNotional.units, trade.exitLots,
                          trade.exitNotional.units, trade.pnl.units, trade.fees.units] {
                integer(value)
            }
        }
    }
}

extension WireReader {
    mutating func checkpoint() throws(WireError) -> DeploymentCheckpoint {
        let id = try string()
        let status = try status()
        let time = try integer(Int64.self)
        let nextOrderID = try integer(Int64.self)
        let portfolio = try portfolio()
        var working: [WorkingOrderRecord] = []
        for _ in 0..<(try count(minimumBytes: 60)) {
            let order = try order()
            let role = try byte()
            guard role <= 3 else { throw .invalid("order role \(role)") }
            working.append(WorkingOrderRecord(order: order, role: role, armed: try bool(),
                                              armedSequence: try integer(), eligibleFrom: try integer()))
        }
        let exchangeSequence = try integer(UInt64.self)
        let state = try optional { reader throws(WireError) in try reader.lua() }
        var timers: [TimerRecord] = []
        for _ in 0..<(try count(minimumBytes: 11)) {
            timers.append(TimerRecord(name: try string(), due: try integer(),
                                      interval: try optional { reader throws(WireError) in try reader.integer() }))
        }
        var subscriptions: [String: [SubscriptionKind]] = [:]
        for _ in 0..<(try count(minimumBytes: 6)) {
            let symbol = try string()
            var kinds: [SubscriptionKind] = []
            for _ in 0..<(try count(minimumBytes: 2)) {
                guard let kind = SubscriptionKind(rawValue: try string()) else { throw .invalid("subscription kind") }
                kinds.append(kind)
            }
            subscriptions[symbol] = kinds
        }
        let fillCount = try integer(Int64.self)
        guard fillCount >= 0 else { throw .invalid("fill count") }
        return DeploymentCheckpoint(
            id: id, status: status, time: time, nextOrderID: nextOrderID, portfolio: portfolio, workingOrders: working,
            exchangeSequence: exchangeSequence, state: state, timers: timers, subscriptions: subscriptions,
            fillCount: Int(fillCount))
    }

    mutating func portfolio() throws(WireError) -> Portfolio {
        var totals: [Money] = []
        for _ in 0..<9 { totals.append(Money(units: try integer())) }
        let openPositionCount = try integer(Int64.self)
        let day = try integer(Int64.self)
        let recordsTrades = try bool()
        let slotCount = try count(minimumBytes: 100)
        var slots: [Portfolio.Slot] = []
        for _ in 0..<slotCount {
            let instrument = try instrument()
            let position = Position(symbol: instrument.symbol, quantity: Quantity(lots: try integer()),
                                    costBasis: Money(units: try integer()), realizedPnL: Money(units: try integer()),
                                    fees: Money(units: try integer()))
            let markValue = Money(units: try integer())
            let mark = Price(ticks: try integer())
            let hasMark = try bool()
            var trade = OpenTrade()
            trade.side = try side()
            trade.entryTime = try integer()
            trade.entryLots = try integer()
            trade.entryNotional = Money(units: try integer())
            trade.exitLots = try integer()
            trade.exitNotional = Money(units: try integer())
            trade.pnl = Money(units: try integer())
            trade.fees = Money(units: try integer())
            slots.append(Portfolio.Slot(instrument: instrument, position: position, mark: mark, hasMark: hasMark,
                                        markValue: markValue, trade: trade))
        }
        var portfolio = Portfolio(cash: totals[0], instruments: slots.map(\.instrument), recordsTrades: recordsTrades)
        guard portfolio.slots.count == slots.count, (0...slots.count).contains(Int(openPositionCount)) else {
            throw .invalid("portfolio instruments")
        }
        portfolio.slots = slots
        portfolio.cash = totals[1]
        portfolio.realizedPnL = totals[2]
        portfolio.fees = totals[3]
        portfolio.markValueTotal = totals[4]
        portfolio.grossExposureTotal = totals[5]
        portfolio.costBasisTotal = totals[6]
        portfolio.dayRealizedPnL = totals[7]
        portfolio.dayFees = totals[8]
        portfolio.openPositionCount = Int(openPositionCount)
        portfolio.day = day
        return portfolio
    }
}

extension BatchReport {
    /// sequence u64, notification count u32 + notifications, checkpoint
    /// count u32 + (slot u32, checkpoint bytes as `checkpointBytes` wrote them).
    static func encode(sequence: UInt64, notifications: [WireNotification], checkpoints: [(slot: Int, bytes: [UInt8])]) -> [UInt8] {
        var writer = WireWriter()
        writer.integer(sequence)
        writer.count(notifications.count)
        for notification in notifications { writer.notification(notification) }
        writer.count(checkpoints.count)
        for entry in checkpoints {
            writer.count(entry.slot)
            writer.bytes.append(contentsOf: entry.bytes)
        }
        return writer.bytes
    }

    static func checkpointBytes(_ checkpoint: DeploymentCheckpoint) -> [UInt8] {
        var writer = WireWriter()
        writer.checkpoint(checkpoint)
        return writer.bytes
    }

    static func decode(_ bytes: [UInt8]) throws(WireError) -> BatchReport {
        var reader = WireReader(bytes)
        let sequence = try reader.integer(UInt64.self)
        var notifications: [WireNotification] = []
        for _ in 0..<(try reader.count(minimumBytes: 6)) { notifications.append(try reader.notification()) }
        var checkpoints: [SlotCheckpoint] = []
        for _ in 0..<(try reader.count(minimumBytes: 60)) {
            checkpoints.append(SlotCheckpoint(slot: Int(try reader.integer(UInt32.self)), checkpoint: try reader.checkpoint()))
        }
        try reader.expectEnd()
        return BatchReport(sequence: sequence, notifications: notifications, checkpoints: checkpoints)
    }
}
