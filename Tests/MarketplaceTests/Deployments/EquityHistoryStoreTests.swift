import Foundation
import Testing
@testable import Marketplace

/// The equity history's retention (docs/api.md, "Equity history and
/// trades"): raw samples for two days of market time, hourly buckets for 90
/// days, daily ones beyond; buckets keep the last values and the extremes.
@Suite struct EquityHistoryStoreTests {
    static func point(_ time: Int64, _ equity: Int64, fills: Int64 = 0) -> StoredEquityPoint {
        StoredEquityPoint(time: time, equity: equity, cash: equity - 5, grossExposure: 7, netExposure: 7, realizedPnL: 1, unrealizedPnL: 2,
                          fills: fills)
    }

    @Test func aYearOfMinutesStaysSmallAndKeepsItsExtremes() throws {
        let fixture = try StoreFixture()
        let author = try fixture.user("author")
        let (_, version) = try fixture.approvedListing(by: author)
        let deployment = try fixture.store.deploy(.strategyVersion(version.id), by: author.id)
        // 200 days of one sample a minute, written a market hour per journal batch, with a spike and a dip.
        let start: Int64 = 1_700_000_000
        let minutes = 200 * 1_440
        var low = Int64.max, high = Int64.min
        for hour in 0..<(minutes / 60) {
            let batch = (0..<60).map { minute -> StoredEquityPoint in
                let index = hour * 60 + minute
                var equity = 10_000_000 + Int64(index % 977)
                if index == 1_000 { equity = 99_000_000 }   // day 0: long merged into a daily bucket
                if index == minutes - 100 { equity = 5 }     // the last two days: still raw
                low = min(low, equity)
                high = max(high, equity)
                return Self.point(start + Int64(index) * 60, equity, fills: Int64(index / 10))
            }
            _ = try fixture.store.appendJournal([(deployment.id, DeploymentCheckpoint(equity: batch), hostCheckpoint: nil)])
        }
        let stored = try fixture.store.equityHistory(of: deployment.id)
        let latest = start + Int64(minutes - 1) * 60
        #expect(stored.count < 2 * 1_440 + 60 + 90 * 24 + 24 + 200, "\(stored.count) rows")
        #expect(stored.map(\.time) == stored.map(\.time).sorted())
        // Tiers by age.
        for point in stored {
            let age = latest - point.time
            switch point.resolution {
            case 0: #expect(age <= 2 * 86_400 + 2 * 3_600, "raw point \(age) s old")
            case 3_600: #expect(age <= 90 * 86_400 + 2 * 86_400, "hourly point \(age) s old")
            case 86_400: #expect(age >= 90 * 86_400 - 86_400, "daily point only \(age) s old")
            default: Issue.record("resolution \(point.resolution)")
            }
        }
        #expect(Set(stored.map(\.resolution)) == [0, 3_600, 86_400])
        #expect(stored.map(\.equityLow).min() == low && stored.map(\.equityHigh).max() == high)
        #expect(stored.last == Self.point(latest, 10_000_000 + Int64((minutes - 1) % 977), fills: Int64((minutes - 1) / 10)))
        // A bucket's values are its last sample's: fills never go down along the curve.
        #expect(zip(stored, stored.dropFirst()).allSatisfy { $0.fills <= $1.fills })
        #expect(stored.allSatisfy { $0.equityLow <= $0.equity && $0.equity <= $0.equityHigh })
        // A window reads only its points.
        let window = try fixture.store.equityHistory(of: deployment.id, from: latest - 3_600, to: latest)
        #expect(window.count == 61 && window.allSatisfy { $0.resolution == 0 })
    }

    @Test func downsamplingKeepsTheLastValuesAndExtremesOfEachBucket() {
        let points: [StoredEquityPoint] = (0..<1_000).map { (index: Int) -> StoredEquityPoint in
            let equity: Int64 = index % 13 == 0 ? 1 : 100 + Int64(index)
            return Self.point(Int64(index) * 60, equity, fills: Int64(index))
        }
        let coarse = StoredEquityPoint.downsample(points, to: 10)
        #expect(coarse.count <= 10 && coarse.count >= 9)
        #expect(coarse.last?.equity == points.last?.equity && coarse.last?.time == points.last?.time)
        let lows: [Int64] = coarse.map { $0.equityLow }, highs: [Int64] = coarse.map { $0.equityHigh }
        #expect(lows.min() == 1 && highs.max() == 1_099)
        #expect(coarse.allSatisfy { $0.resolution >= 5_900 })
        #expect(StoredEquityPoint.downsample(points, to: 1_000) == points)
        #expect(StoredEquityPoint.downsample([], to: 5).isEmpty)
        // Hostile times: a span past Int64 still answers.
        let wide = [Self.point(.min, 1), Self.point(0, 2), Self.point(.max, 3)]
        #expect(StoredEquityPoint.downsample(wide, to: 2).count <= 2)
    }
}
