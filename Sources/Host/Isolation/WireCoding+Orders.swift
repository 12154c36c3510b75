// Binary forms of orders, fills and the other notifications: the bulk of a
// batch report (measured: JSON decoding of these cost the supervisor more
// CPU than the workers spent running the strategies).

extension WireWriter {
    mutating func order(_ order: Order) {
        integer(order.id)
        string(order.symbol)
        side(order.side)
        switch order.type {
        case .market: byte(0)
        case .limit(let price): byte(1); integer(price.ticks)
        case .stop(let trigger): byte(2); integer(trigger.ticks)
        case .stopLimit(let trigger, let limit): byte(3); integer(trigger.ticks); integer(limit.ticks)
        }
        string(order.timeInForce.rawValue)
        integer(order.quantity.lots)
        switch order.sizing {
        case .quantity(let quantity): byte(0); integer(quantity.lots)
        case .notional(let money): byte(1); integer(money.units)
        case .equityFraction(let fraction): byte(2); integer(fraction.bitPattern)
        }
        integer(order.filledQuantity.lots)
        integer(order.filledNotional.units)
        string(order.status.rawValue)
        bool(order.reduceOnly)
        optional(order.tag) { $0.string($1) }
        optional(order.parentID) { $0.integer($1) }
        count(order.childIDs.count)
        for child in order.childIDs { integer(child) }
        bool(order.triggered)
        integer(order.createdAt)
        integer(order.updatedAt)
        optional(order.reason) { writer, reason in
            writer.string(reason.code.rawValue)
            writer.text(reason.message)
            writer.optional(reason.limit) { $0.string($1) }
        }
    }

    mutating func fill(_ fill: Fill) {
        integer(fill.orderID)
        string(fill.symbol)
        side(fill.side)
        integer(fill.quantity.lots)
        integer(fill.price.ticks)
        integer(fill.fee.units)
        integer(fill.notional.units)
        integer(fill.time)
        optional(fill.tag) { $0.string($1) }
    }

    mutating func status(_ status: CheckpointStatus) {
        string(status.kind)
        optional(status.reason) { $0.text($1) }
    }

    mutating func notification(_ wire: WireNotification) {
        count(wire.slot)
        switch wire.notification {
        case .order(let value)?: byte(0); order(value)
        case .fill(let value)?: byte(1); fill(value)
        case .log(let entry)?: byte(2); integer(entry.time); string(entry.level); text(entry.message)
        case .status?, nil: byte(3); status(wire.status ?? CheckpointStatus(.ready))
        case .equity(let sample)?: byte(4); equity(sample)
        }
    }

    mutating func equity(_ sample: EquitySample) {
        integer(sample.time)
        for money in [sample.equity, sample.cash, sample.grossExposure, sample.netExposure, sample.realizedPnL, sample.unrealizedPnL] {
            integer(money.units)
        }
        integer(Int64(sample.fills))
    }
}

extension WireReader {
    mutating func order() throws(WireError) -> Order {
        let id = try integer(Int64.self)
        let symbol = try string()
        let side = try side()
        let type: OrderType = switch try byte() {
        case 0: .market
        case 1: .limit(Price(ticks: try integer()))
        case 2: .stop(trigger: Price(ticks: try integer()))
        case 3: .stopLimit(trigger: Price(ticks: try integer()), limit: Price(ticks: try integer()))
        case let tag: throw .invalid("order type \(tag)")
        }
        guard let timeInForce = TimeInForce(rawValue: try string()) else { throw .invalid("time in force") }
        let quantity = Quantity(lots: try integer())
        let sizing: OrderSizing = switch try byte() {
        case 0: .quantity(Quantity(lots: try integer()))
        case 1: .notional(Money(units: try integer()))
        case 2: .equityFraction(Double(bitPattern: try integer()))
        case let tag: throw .invalid("order sizing \(tag)")
        }
        var order = Order(id: id, symbol: symbol, side: side, type: type, timeInForce: timeInForce, sizing: sizing,
                          quantity: quantity, createdAt: 0)
        order.filledQuantity = Quantity(lots: try integer())
        order.filledNotional = Money(units: try integer())
        guard let status = OrderStatus(rawValue: try string()) else { throw .invalid("order status") }
        order.status = status
        order.reduceOnly = try bool()
        order.tag = try optional { reader throws(WireError) in try reader.string() }
        order.parentID = try optional { reader throws(WireError) in try reader.integer() }
        order.childIDs = []
        for _ in 0..<(try count(minimumBytes: 8)) { order.childIDs.append(try integer()) }
        order.triggered = try bool()
        order.createdAt = try integer()
        order.updatedAt = try integer()
        order.reason = try optional { reader throws(WireError) in
            // The code as its raw string: a worker of this build only sends known ones.
            guard let code = OrderReasonCode(rawValue: try reader.string()) else { throw .invalid("order reason code") }
            return OrderReason(code: code, message: try reader.text(),
                               limit: try reader.optional { reader throws(WireError) in try reader.string() })
        }
        return order
    }

    mutating func fill() throws(WireError) -> Fill {
        Fill(orderID: try integer(), symbol: try string(), side: try side(), quantity: Quantity(lots: try integer()),
             price: Price(ticks: try integer()), fee: Money(units: try integer()), notional: Money(units: try integer()),
             time: try integer(), tag: try optional { reader throws(WireError) in try reader.string() })
    }

    mutating func equity() throws(WireError) -> EquitySample {
        let time: Int64 = try integer()
        var money: [Money] = []
        for _ in 0..<6 { money.append(Money(units: try integer())) }
        let fills: Int64 = try integer()
        guard fills >= 0, fills <= Int64(Int.max) else { throw .invalid("equity fills \(fills)") }
        return EquitySample(time: time, equity: money[0], cash: money[1], grossExposure: money[2], netExposure: money[3],
                            realizedPnL: money[4], unrealizedPnL: money[5], fills: Int(fills))
    }

    mutating func status() throws(WireError) -> CheckpointStatus {
        var status = CheckpointStatus(.ready)
        status.kind = try string()
        status.reason = try optional { reader throws(WireError) in try reader.text() }
        guard status.status != nil else { throw .invalid("status \(status.kind)") }
        return status
    }

    mutating func notification() throws(WireError) -> WireNotification {
        let slot = Int(try integer(UInt32.self))
        let notification: DeploymentNotification = switch try byte() {
        case 0: .order(try order())
        case 1: .fill(try fill())
        case 2: .log(DeploymentLogEntry(time: try integer(), level: try string(), message: try text()))
        case 3: .status(try status().status!)
        case 4: .equity(try equity())
        case let tag: throw .invalid("notification kind \(tag)")
        }
        return WireNotification(slot: slot, notification)
    }
}
