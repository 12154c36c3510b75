/// The paper exchange's part of a deployment checkpoint: its working orders
/// with their matching state, and the event counter that orders them, so a
/// restored exchange matches exactly as the lost one would have.
extension PaperExchange {
    /// The working orders with their matching state, in matching priority.
    func workingOrderRecords() -> [WorkingOrderRecord] {
        working.flatMap { orders in
            orders.map { entry in
                WorkingOrderRecord(order: entry.order, role: entry.role.recordCode, armed: entry.armed,
                                   armedSequence: entry.armedSequence, eligibleFrom: entry.eligibleFrom)
            }
        }
    }

    /// Replaces the working orders with `records` (from `workingOrderRecords`)
    /// and the event counter with `sequence`. Orders of unknown instruments
    /// and finished orders are dropped.
    mutating func restore(_ records: [WorkingOrderRecord], sequence: UInt64) {
        working = Array(repeating: [], count: instruments.count)
        locations = [:]
        workingCount = 0
        lastSymbol = nil
        eventSequence = sequence
        for record in records {
            guard let instrument = instrumentIndex[record.order.symbol], !record.order.status.isTerminal else { continue }
            working[instrument].append(WorkingOrder(order: record.order, role: WorkingOrder.Role(recordCode: record.role),
                                                    armed: record.armed, armedSequence: record.armedSequence,
                                                    eligibleFrom: record.eligibleFrom))
            locations[record.order.id] = instrument
            workingCount += 1
        }
    }
}

extension WorkingOrder.Role {
    /// The role's byte in a `WorkingOrderRecord`: fixed numbers, because
    /// checkpoints outlive a build and the wire carries them as is.
    var recordCode: UInt8 {
        switch self {
        case .plain: 0
        case .entry: 1
        case .takeProfit: 2
        case .stopLoss: 3
        }
    }

    /// The role of a record's byte; an unknown byte is a plain order.
    init(recordCode: UInt8) {
        self = switch recordCode {
        case 1: .entry
        case 2: .takeProfit
        case 3: .stopLoss
        default: .plain
        }
    }
}
