import Testing
@testable import Host

extension PortfolioTests {
    /// The worked example of docs/numeric-model.md, step by step. If this
    /// test changes, the document must change with it.
    @Suite struct WorkedExample {
        typealias F = PortfolioFixtures

        struct Step {
            var fill: Fill
            var notional: String
            var fee: String
            var realized: String
            var quantity: String
            var costBasis: String
            var cash: String
        }

        static let steps: [Step] = [
            Step(fill: F.fill(.buy, "0.12345679", at: "30214.37", rate: 1_000), notional: "3730.16913207",
                 fee: "3.73016914", realized: "0", quantity: "0.12345679", costBasis: "3730.16913207",
                 cash: "6266.10069879"),
            Step(fill: F.fill(.buy, "0.10000001", at: "30500.05", rate: 1_000), notional: "3050.005305",
                 fee: "3.05000531", realized: "0", quantity: "0.2234568", costBasis: "6780.17443707",
                 cash: "3213.04538848"),
            Step(fill: F.fill(.sell, "0.07777777", at: "31000.01", rate: 1_000), notional: "2411.11164778",
                 fee: "2.41111165", realized: "51.16176965", quantity: "0.14567903", costBasis: "4420.22455894",
                 cash: "5621.74592461"),
            Step(fill: F.fill(.sell, "0.25", at: "29999.99", rate: 1_000), notional: "7499.9975",
                 fee: "7.4999975", realized: "-49.85511573", quantity: "-0.10432097", costBasis: "-3129.62805679",
                 cash: "13114.24342711"),
            Step(fill: F.fill(.buy, "0.10432097", at: "29000.00", rate: 1_000), notional: "3025.30813",
                 fee: "3.02530813", realized: "104.31992679", quantity: "0", costBasis: "0",
                 cash: "10085.90998898"),
        ]

        @Test func everyStepMatchesTheDocument() {
            var portfolio = Portfolio(cash: Money(10_000), instruments: [F.btc])
            for step in Self.steps {
                #expect(step.fill.notional == F.money(step.notional))
                #expect(step.fill.fee == F.money(step.fee))
                #expect(portfolio.apply(step.fill) == F.money(step.realized))
                let position = portfolio.position("BTCUSD")!
                #expect(position.quantity == F.quantity(step.quantity))
                #expect(position.costBasis == F.money(step.costBasis))
                #expect(portfolio.cash == F.money(step.cash))
            }
            #expect(portfolio.realizedPnL == F.money("105.62658071"))
            #expect(portfolio.fees == F.money("19.71659173"))
            #expect(portfolio.cash == Money(10_000) + portfolio.realizedPnL - portfolio.fees)
            // Two round trips: the long closed by the flip, then the short.
            #expect(portfolio.closedTrades.map(\.pnl) == [F.money("1.30665392"), F.money("104.31992679")])
            // The flipping fill's fee 7.4999975 splits 4.37036944 / 3.12962806.
            #expect(portfolio.closedTrades.map(\.fees) == [F.money("13.56165554"), F.money("6.15493619")])
            // The long: proceeds 2411.11164778 + 4370.36944321 − cost 3730.16913207 − 3050.005305.
            #expect(F.money("2411.11164778") + F.money("4370.36944321") - F.money("3730.16913207")
                    - F.money("3050.005305") == F.money("1.30665392"))
        }

        @Test func theFlipSplitsNotionalByLots() {
            // 7499.9975 × 0.14567903 / 0.25 = 4370.369443211… → 4370.36944321 closes;
            // the remaining 3129.62805679 opens the short.
            #expect(ExactDivision.share(of: F.money("7499.9975").units, part: 14_567_903, whole: 25_000_000)
                    == F.money("4370.36944321").units)
            // 6780.17443707 × 0.07777777 / 0.2234568 = 2359.949878134… → 2359.94987813.
            #expect(ExactDivision.share(of: F.money("6780.17443707").units, part: 7_777_777, whole: 22_345_680)
                    == F.money("2359.94987813").units)
        }
    }
}
