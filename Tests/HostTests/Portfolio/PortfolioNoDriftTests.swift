import Testing
@testable import Host

extension PortfolioTests {
    /// The invariants that make the model drift-free, checked after every
    /// fill of long random sequences on instruments whose notionals round.
    @Suite struct NoDrift {
        typealias F = PortfolioFixtures

        @Test(arguments: [UInt64(1), 7, 42, 2024])
        func invariantsHoldAfterEveryFill(seed: UInt64) {
            var generator = F.Generator(seed: seed)
            let instruments = [F.btc, F.shares, F.dust]
            let initial = Money(1_000_000)
            var portfolio = Portfolio(cash: initial, instruments: instruments)
            var signedNotionals = Money.zero
            var roundTripCash = [Money](repeating: .zero, count: instruments.count)
            var roundTripCost = [Money](repeating: .zero, count: instruments.count)
            var roundTripRealized = [Money](repeating: .zero, count: instruments.count)
            // False from a flip until the position is next flat: a flipping
            // fill's split is checked by the global invariants instead.
            var tracked = [Bool](repeating: true, count: instruments.count)
            var checkedRoundTrips = 0

            for step in 0..<5_000 {
                let index = Int.random(in: 0..<instruments.count, using: &generator)
                let instrument = instruments[index]
                let held = portfolio.position(at: index).quantity.lots
                // Mostly small odd sizes, sometimes a close or a flip.
                var lots = Int64.random(in: 1...9_999_999, using: &generator)
                let side: Side = Bool.random(using: &generator) ? .buy : .sell
                if held != 0 && Int.random(in: 0..<5, using: &generator) == 0 {
                    lots = abs(held) + (Bool.random(using: &generator) ? 0 : lots)
                }
                if instrument.quantityDecimals == 0 { lots = lots % 97 + 1 }
                let ticks = Int64.random(in: 1...9_999_999, using: &generator)
                let fill = F.fill(side, lots: lots, ticks: ticks, instrument, rate: 750,
                                  time: F.newYear + Int64(step) * 60)
                let realized = portfolio.apply(fill, at: index)
                portfolio.mark(at: index, price: Price(ticks: Int64.random(in: 1...9_999_999, using: &generator)))

                signedNotionals += Money(units: fill.side.sign * fill.notional.units)
                roundTripRealized[index] += realized
                // Proceeds − cost of the current round trip, counting only
                // fills while the position did not cross zero.
                if held == 0 || (held > 0) == (side == .buy) || abs(held) >= lots {
                    if side == .buy { roundTripCost[index] += fill.notional } else { roundTripCash[index] += fill.notional }
                    if portfolio.position(at: index).isFlat {
                        // Back to zero: realized == proceeds − cost, exactly.
                        if tracked[index] {
                            #expect(roundTripRealized[index] == roundTripCash[index] - roundTripCost[index])
                            checkedRoundTrips += 1
                        }
                        #expect(portfolio.position(at: index).costBasis == .zero)
                        tracked[index] = true
                        roundTripCash[index] = .zero
                        roundTripCost[index] = .zero
                        roundTripRealized[index] = .zero
                    }
                } else {
                    tracked[index] = false
                    roundTripCash[index] = .zero
                    roundTripCost[index] = .zero
                    roundTripRealized[index] = .zero
                }

                #expect(portfolio.cash == initial - signedNotionals - portfolio.fees)
                #expect(portfolio.equity == initial + portfolio.realizedPnL - portfolio.fees + portfolio.unrealizedPnL)
                let recomputed = (0..<instruments.count).reduce(Money.zero) { sum, slot in
                    let position = portfolio.position(at: slot)
                    guard let mark = portfolio.mark(at: slot) else { return sum }
                    return sum + position.marketValue(mark: mark, instrument: instruments[slot])
                }
                #expect(portfolio.equity == portfolio.cash + recomputed)
                if !portfolio.position(at: index).isFlat {
                    #expect(portfolio.position(at: index).costBasis.units.signum()
                            == portfolio.position(at: index).quantity.lots.signum())
                }
            }

            #expect(checkedRoundTrips > 20)

            // Close everything: every unit of cash is explained by realized P&L and fees.
            for index in instruments.indices {
                let held = portfolio.position(at: index).quantity.lots
                guard held != 0 else { continue }
                portfolio.apply(F.fill(held > 0 ? .sell : .buy, lots: abs(held), ticks: 123_457, instruments[index]),
                                at: index)
            }
            #expect(portfolio.openPositionCount == 0)
            #expect(portfolio.unrealizedPnL == .zero)
            #expect(portfolio.cash == initial + portfolio.realizedPnL - portfolio.fees)
            #expect(portfolio.closedTrades.map(\.pnl).reduce(.zero, +) == portfolio.realizedPnL)
            #expect(portfolio.closedTrades.map(\.fees).reduce(.zero, +) == portfolio.fees)
            #expect(portfolio.positions.map(\.realizedPnL).reduce(.zero, +) == portfolio.realizedPnL)
        }
    }
}
