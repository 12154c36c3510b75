import Host
import Testing

/// `FixedPoint.parse` takes untrusted text (every decimal string of the API):
/// past the range it answers nil, never traps.
@Suite struct FixedPointParseTests {
    @Test func theEdgesOfTheRangeParseOrAreRefused() {
        // Int64.max is 92233720368.54775807 at 8 decimals.
        #expect(FixedPoint.parse("92233720368.54775807", decimals: 8) == .max)
        #expect(FixedPoint.parse("-92233720368.54775807", decimals: 8) == -.max)
        // One unit past it: the whole part fits, the fraction carries the sum over (this trapped a server).
        #expect(FixedPoint.parse("92233720368.54775808", decimals: 8) == nil)
        #expect(FixedPoint.parse("92233720368.99999999", decimals: 8) == nil)
        #expect(FixedPoint.parse("92233720369", decimals: 8) == nil)
        #expect(FixedPoint.parse("9223372036854775807", decimals: 0) == .max)
        #expect(FixedPoint.parse("9223372036854775808", decimals: 0) == nil)
        #expect(FixedPoint.parse("922337203685477580.8", decimals: 1) == nil)
        #expect(FixedPoint.parse("1.5", decimals: 2) == 150)
        #expect(FixedPoint.parse("1.500", decimals: 2) == 150)
        #expect(FixedPoint.parse("1.505", decimals: 2) == nil)
        #expect(Money(decimalText: "92233720368.54775808") == nil)
    }
}
