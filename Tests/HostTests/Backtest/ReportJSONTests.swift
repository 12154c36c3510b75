import Foundation
import Testing
@testable import Host

extension ReportTests {
    /// The JSON result: byte-identical for identical runs, exact money, and
    /// one consistent spelling for infinities and undefined values.
    @Suite struct ResultJSON {
        typealias R = ReportFixtures

        static func text(_ result: BacktestResult) throws -> String {
            String(decoding: try result.jsonData(), as: UTF8.self)
        }

        @Test func identicalRunsGiveIdenticalBytes() throws {
            let first = try R.result().jsonData()
            let second = try R.result().jsonData()
            #expect(first == second)
            #expect(SHA256.hash(first) == SHA256.hash(second))
            // Parameters given in another insertion order make no difference.
            var shuffled: [String: String] = [:]
            for key in R.metadata().parameters.keys.sorted().reversed() { shuffled[key] = R.metadata().parameters[key] }
            #expect(try R.result(metadata: R.metadata(parameters: shuffled)).jsonData() == first)
        }

        @Test func decodesAndReencodesToTheSameBytes() throws {
            let data = try R.result().jsonData()
            let decoded = try BacktestResult.decode(data)
            #expect(try decoded.jsonData() == data)
            #expect(decoded.metadata == R.metadata())
            #expect(decoded.trades == R.result().trades)
            #expect(decoded.equityCurve == R.result().equityCurve)
        }

        @Test func moneyIsExactTextAndKeysAreSorted() throws {
            let result = R.result()
            let text = try Self.text(result)
            #expect(text.hasPrefix("{\"equityCurve\":[{\"equity\":\""))
            #expect(text.contains("\",\"time\":1704067200},{\"equity\":\""))
            #expect(text.contains("\"initialCash\":\"10000.00000000\""))
            #expect(text.contains("\"seed\":\"18446744073709551614\""))
            #expect(text.contains("\"formatVersion\":1"))
            #expect(text.contains("\"param0\":\"0\",\"param1\":\"7\",\"param10\":\"70\""))
            #expect(!text.contains("\\/"))
            // The open position at the end, valued at its last mark.
            #expect(result.finalPositions.count == 1)
            #expect(result.finalPositions[0].quantity == "3")
            #expect(text.contains("\"finalPositions\":[{\"averagePrice\":"))
        }

        @Test func infiniteAndUndefinedStatisticsAreSpelledOneWay() throws {
            var metrics = BacktestMetrics(equityCurve: MetricsFixtures.daily(["100", "100"]),
                                          trades: [MetricsFixtures.trade(net: "5")], barCount: 2, barsInMarket: 1)
            #expect(metrics.profitFactor == .infinity)
            #expect(metrics.sharpe == nil)
            let result = BacktestResult(metadata: R.metadata(), metrics: metrics, trades: [], equityCurve: [],
                                        finalPositions: [])
            let text = try Self.text(result)
            #expect(text.contains("\"profitFactor\":\"inf\""))
            #expect(text.contains("\"sharpe\":null"))
            #expect(text.contains("\"averageLoss\":null"))
            let decoded = try BacktestResult.decode(try result.jsonData())
            #expect(decoded.metrics.profitFactor == .infinity)
            #expect(decoded.metrics.sharpe == nil)
            metrics.sortino = -.infinity
            metrics.volatility = .nan
            let negative = try Self.text(BacktestResult(metadata: R.metadata(), metrics: metrics, trades: [],
                                                        equityCurve: [], finalPositions: []))
            #expect(negative.contains("\"sortino\":\"-inf\"") && negative.contains("\"volatility\":null"))
        }

        @Test func statisticsAreWrittenWithTenSignificantDigits() throws {
            func written(_ value: Double) -> String { "\(StatisticNumber.decimal(value))" }
            #expect(written(0.1 + 0.2) == "0.3")
            #expect(written(1.0 / 3) == "0.3333333333")
            #expect(written(2.0 / 3) == "0.6666666667")
            #expect(written(-2.0 / 3) == "-0.6666666667")
            #expect(written(123_456_789_012_345) == "123456789000000")
            #expect(written(9.99999999995) == "10")  // the carry runs through every digit
            #expect(written(1.5e-7) == "0.00000015")
            #expect(written(0.12345678905) == "0.123456789")  // …05 ties to even
            #expect(written(0) == "0" && written(-0.0) == "0")
            #expect(written(19.091883092036785) == "19.09188309")
            // And through JSONEncoder, as a bare number.
            let metrics = BacktestMetrics(equityCurve: MetricsFixtures.daily(["100", "110", "99", "108.9", "119.79"]),
                                          trades: [], barCount: 5, barsInMarket: 3)
            let text = String(decoding: try JSONEncoder().encode(metrics), as: UTF8.self)
            #expect(text.contains("\"sharpe\":9.552486587"))
            #expect(text.contains("\"maxDrawdown\":0.1,") || text.contains("\"maxDrawdown\":0.1}"))
        }

        @Test func downsamplingKeepsEndsAndExtremes() {
            let curve = (0..<10_001).map { index in
                EquityPoint(time: Int64(index) * 60, equity: Money(units: Int64((index * 7_919) % 10_007) * 1_000_000))
            }
            let sampled = BacktestResult.downsample(curve, maxPoints: 2_000)
            #expect(sampled.count <= 2_000 && sampled.count > 1_900)
            #expect(sampled.first == curve.first && sampled.last == curve.last)
            #expect(sampled.map(\.equity).max() == curve.map(\.equity).max())
            #expect(sampled.map(\.equity).min() == curve.map(\.equity).min())
            #expect(zip(sampled, sampled.dropFirst()).allSatisfy { $0.time < $1.time })
            #expect(BacktestResult.downsample(Array(curve.prefix(50)), maxPoints: 2_000) == Array(curve.prefix(50)))
            #expect(BacktestResult.downsample(curve, maxPoints: 1).count == 2)
            let result = R.result(bars: 3_000, maxCurvePoints: 500)
            #expect(result.equityCurve.count <= 500 && result.equityCurvePointCount == 3_000)
        }
    }
}
