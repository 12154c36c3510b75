import Testing
@testable import Host

extension PortfolioTests {
    /// Equity-fraction sizing: notional plus commission within the budget.
    @Suite struct Sizing {
        typealias F = PortfolioFixtures

        @Test func allInBuyNeverOverdrawsCash() {
            for rate: Int64 in [0, 1, 1_000, 2_500, 100_000] {
                for priceText in ["30214.37", "0.01", "99999.99", "1.00"] {
                    let portfolio = Portfolio(cash: F.money("10000.12345678"), instruments: [F.btc])
                    let price = F.price(priceText)
                    let lots = portfolio.quantity(forEquityFraction: 1, side: .buy, price: price, instrument: F.btc,
                                                  commissionBasisPointsHundredths: rate, fixedFee: F.money("0.5"))
                    func cost(_ lots: Int64) -> Money {
                        let notional = F.btc.notional(price, Quantity(lots: lots))
                        return notional + Portfolio.commission(on: notional, basisPointsHundredths: rate,
                                                               fixedFee: F.money("0.5"))
                    }
                    #expect(lots.lots > 0)
                    #expect(cost(lots.lots) <= portfolio.cash)
                    // One more lot is too dear, or beyond the commission-free
                    // quantity (where half-even notionals could squeeze one in).
                    let ceiling = F.btc.quantity(affordableWith: portfolio.cash - F.money("0.5"), at: price).lots
                    #expect(cost(lots.lots + 1) > portfolio.cash || lots.lots == ceiling, "rate \(rate) at \(priceText)")
                }
            }
        }

        @Test func fractionsOfEquityIncludeMarkedPositions() {
            var portfolio = Portfolio(cash: Money(10_000), instruments: [F.shares])
            portfolio.apply(F.fill(.buy, "50", at: "100.00", F.shares))
            portfolio.mark(symbol: "ACME", price: F.price("120.00", F.shares))
            #expect(portfolio.equity == Money(11_000))
            // Half of 11,000 at 100.00 with no commission: 55 shares.
            let half = portfolio.quantity(forEquityFraction: 0.5, side: .buy, price: F.price("100.00", F.shares),
                                          instrument: F.shares, commissionBasisPointsHundredths: 0, fixedFee: .zero)
            #expect(half.lots == 55)
            // With 10 bp: 55 × 100 × 1.001 = 5505.5 > 5500, so 54.
            let withFee = portfolio.quantity(forEquityFraction: 0.5, side: .sell, price: F.price("100.00", F.shares),
                                             instrument: F.shares, commissionBasisPointsHundredths: 1_000,
                                             fixedFee: .zero)
            #expect(withFee.lots == 54)
        }

        @Test func nothingWithoutEquityOrWithNonsenseFractions() {
            var portfolio = Portfolio(cash: Money(100), instruments: [F.shares])
            let price = F.price("10.00", F.shares)
            for fraction in [0, -0.5, .nan, .infinity] {
                #expect(portfolio.quantity(forEquityFraction: fraction, side: .buy, price: price, instrument: F.shares,
                                           commissionBasisPointsHundredths: 0, fixedFee: .zero) == .zero)
            }
            // Above 1 is clamped to all of equity.
            #expect(portfolio.quantity(forEquityFraction: 3, side: .buy, price: price, instrument: F.shares,
                                       commissionBasisPointsHundredths: 0, fixedFee: .zero).lots == 10)
            // A fixed fee larger than the budget buys nothing.
            #expect(portfolio.quantity(forEquityFraction: 1, side: .buy, price: price, instrument: F.shares,
                                       commissionBasisPointsHundredths: 0, fixedFee: Money(100)) == .zero)
            portfolio.apply(F.fill(.buy, "20", at: "10.00", F.shares))
            portfolio.mark(symbol: "ACME", price: F.price("4.00", F.shares))
            #expect(portfolio.equity.units < 0)
            #expect(portfolio.quantity(forEquityFraction: 1, side: .buy, price: price, instrument: F.shares,
                                       commissionBasisPointsHundredths: 0, fixedFee: .zero) == .zero)
        }

        @Test func commissionRoundsUpToTheUnit() {
            #expect(Portfolio.commission(on: Money(units: 1), basisPointsHundredths: 1, fixedFee: .zero).units == 1)
            #expect(Portfolio.commission(on: Money(units: 1_000_000), basisPointsHundredths: 1, fixedFee: .zero).units == 1)
            #expect(Portfolio.commission(on: Money(units: 1_000_001), basisPointsHundredths: 1, fixedFee: .zero).units == 2)
            #expect(Portfolio.commission(on: Money(1_000), basisPointsHundredths: 1_000, fixedFee: Money(2)) == Money(3))
        }

        /// The exchange sizes equity-fraction orders with its own
        /// `FixedEquitySizer`; both must give the same lots, or an all-in
        /// order sized by one would be refused by the other.
        @Test func agreesWithTheExchangeSizer() {
            var generator = F.Generator(seed: 99)
            for _ in 0..<300 {
                let instrument = [F.btc, F.shares, F.dust].randomElement(using: &generator)!
                let equity = Money(units: Int64.random(in: 1...100_000_000_000_000, using: &generator))
                let rate = Int64.random(in: 0...5_000, using: &generator)
                let fixed = Money(units: Int64.random(in: 0...100_000_000, using: &generator))
                let fraction = Double.random(in: 0.001...1, using: &generator)
                let price = Price(ticks: Int64.random(in: 1...100_000_000, using: &generator))
                let portfolio = Portfolio(cash: equity, instruments: [instrument])
                let ours = portfolio.quantity(forEquityFraction: fraction, side: .buy, price: price,
                                              instrument: instrument, commissionBasisPointsHundredths: rate,
                                              fixedFee: fixed)
                let sizer = FixedEquitySizer(equity: equity,
                                             commission: CommissionModel(hundredthsOfBasisPoint: rate, fixedPerOrder: fixed))
                let order = Order(id: 1, symbol: instrument.symbol, side: .buy, type: .market,
                                  sizing: .equityFraction(fraction), quantity: .zero, createdAt: 0)
                let theirs = sizer.quantity(forEquityFraction: fraction, side: .buy, price: price,
                                            instrument: instrument, order: order)
                #expect(ours == theirs, "equity \(equity.units) rate \(rate) fixed \(fixed.units) f \(fraction)")
            }
        }
    }
}
