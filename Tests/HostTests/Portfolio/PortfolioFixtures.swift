import Testing
@testable import Host

/// Every portfolio suite nests here so `--filter PortfolioTests` runs them all.
enum PortfolioTests {}

/// Instruments, fills and a seeded generator for the portfolio, metrics and
/// report tests.
enum PortfolioFixtures {
    /// 2 price + 8 quantity decimals: notionals round (10 > 8 digits).
    static let btc = Instrument(symbol: "BTCUSD", priceDecimals: 2, quantityDecimals: 8)
    /// 2 + 0 decimals: notionals are exact.
    static let shares = Instrument(symbol: "ACME", priceDecimals: 2, quantityDecimals: 0)
    /// 8 + 8 decimals: the coarsest rounding the model allows.
    static let dust = Instrument(symbol: "DUSTBTC", priceDecimals: 8, quantityDecimals: 8)
    /// 2024-01-01 00:00:00 UTC, in seconds.
    static let newYear: Int64 = 1_704_067_200

    static func money(_ text: String) -> Money { Money(decimalText: text)! }

    static func price(_ text: String, _ instrument: Instrument = btc) -> Price {
        instrument.price(decimalText: text)!
    }

    static func quantity(_ text: String, _ instrument: Instrument = btc) -> Quantity {
        Quantity(lots: FixedPoint.parse(text, decimals: instrument.quantityDecimals)!)
    }

    /// A fill as the exchange would book it: exact notional, commission at
    /// `rate` hundredths of a basis point rounded up.
    static func fill(_ side: Side, _ quantityText: String, at priceText: String, _ instrument: Instrument = btc,
                     rate: Int64 = 0, time: Int64 = newYear) -> Fill {
        fill(side, lots: quantity(quantityText, instrument).lots, ticks: price(priceText, instrument).ticks,
             instrument, rate: rate, time: time)
    }

    static func fill(_ side: Side, lots: Int64, ticks: Int64, _ instrument: Instrument, rate: Int64 = 0,
                     time: Int64 = newYear) -> Fill {
        let price = Price(ticks: ticks), quantity = Quantity(lots: lots)
        let notional = instrument.notional(price, quantity)
        let fee = Portfolio.commission(on: notional, basisPointsHundredths: rate, fixedFee: .zero)
        return Fill(orderID: 1, symbol: instrument.symbol, side: side, quantity: quantity, price: price,
                    fee: fee, notional: notional, time: time)
    }

    /// SplitMix64: a tiny, fully specified generator, so randomized tests
    /// replay identically everywhere.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        init(seed: UInt64) { state = seed }
        mutating func next() -> UInt64 {
            state &+= 0x9e37_79b9_7f4a_7c15
            var z = state
            z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
            z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
            return z ^ (z >> 31)
        }
    }
}
