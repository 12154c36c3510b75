import Host

/// The API's one representation of exact values and times
/// (`docs/api.md`, "Units and times"):
/// - prices and quantities are decimal strings in the instrument's own
///   precision (`"40000.00"`, `"0.01000000"`);
/// - account money (cash, equity, P&L, fees, notional) is a decimal string
///   with the numeric model's 8 decimals, with `currency` beside it;
///   wallet money and listing prices have the currency's 2 decimals;
/// - times are ISO-8601 UTC strings with seconds (`"2026-12-03T08:50:13Z"`):
///   wall-clock fields end in `At`, market-clock fields are `time` or end in `Time`.
enum APIUnits {
    /// The quote currency of every instrument and wallet today.
    static let currency = "USD"
    /// Digits after the point in wallet money and listing prices.
    static let walletDecimals = 2

    static func price(_ price: Price, _ instrument: Instrument) -> String {
        FixedPoint.format(price.ticks, decimals: instrument.priceDecimals)
    }

    static func quantity(_ quantity: Quantity, _ instrument: Instrument) -> String {
        FixedPoint.format(quantity.lots, decimals: instrument.quantityDecimals)
    }

    static func money(_ money: Money) -> String { money.description }

    /// Minor units (cents) as a decimal string: 1234 → "12.34".
    static func walletMoney(_ minorUnits: Int64) -> String { FixedPoint.format(minorUnits, decimals: walletDecimals) }

    /// "12.34" → 1234; nil when it is not a decimal with at most 2 digits after the point or overflows.
    static func parseWalletMoney(_ text: String) -> Int64? { FixedPoint.parse(text, decimals: walletDecimals) }

    /// Digits with at most one point between digits ("12", "0.5"); no sign, exponent or spaces.
    static func isDecimal(_ text: String) -> Bool {
        var digits = 0, points = 0, digitsAfterPoint = 0
        for byte in text.utf8 {
            if byte == UInt8(ascii: ".") {
                guard digits > 0 else { return false }
                points += 1
            } else if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                digits += 1
                if points > 0 { digitsAfterPoint += 1 }
            } else {
                return false
            }
        }
        return digits > 0 && points <= 1 && (points == 0 || digitsAfterPoint > 0)
    }

    // MARK: - Times

    /// Unix seconds as ISO-8601 UTC with seconds, e.g. "2026-12-03T08:50:13Z".
    static func time(_ seconds: Int64) -> String {
        let days = DailyPnL.utcDay(of: seconds)
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = UTCCalendar.civil(day: days)
        let hour = secondOfDay / 3_600, minute = secondOfDay / 60 % 60, second = secondOfDay % 60
        let yearText = year >= 0 && year <= 9_999 ? pad(year, 4) : String(year)
        return "\(yearText)-\(pad(month, 2))-\(pad(day, 2))T\(pad(hour, 2)):\(pad(minute, 2)):\(pad(second, 2))Z"
    }

    /// Parses "YYYY-MM-DDTHH:MM:SSZ" (or "YYYY-MM-DD", midnight UTC) into
    /// Unix seconds; nil for anything else or an impossible date.
    static func parseTime(_ text: String) -> Int64? {
        let bytes = Array(text.utf8)
        func number(_ range: Range<Int>) -> Int64? {
            guard range.upperBound <= bytes.count else { return nil }
            var value: Int64 = 0
            for byte in bytes[range] {
                guard byte >= 48, byte <= 57 else { return nil }
                value = value * 10 + Int64(byte - 48)
            }
            return value
        }
        guard bytes.count == 10 || bytes.count == 20, bytes.count >= 10, bytes[4] == 45, bytes[7] == 45,
              let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
              (1...12).contains(month), day >= 1, day <= UTCCalendar.daysIn(month: month, year: year) else { return nil }
        var seconds = UTCCalendar.day(year: year, month: month, day: day) * 86_400
        if bytes.count == 20 {
            guard bytes[10] == 84, bytes[13] == 58, bytes[16] == 58, bytes[19] == 90,
                  let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
                  hour < 24, minute < 60, second < 60 else { return nil }
            seconds += hour * 3_600 + minute * 60 + second
        }
        return seconds
    }

    private static func pad(_ value: Int64, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }
}

/// A time in JSON: ISO-8601 UTC text (`APIUnits.time`); decodes the same text.
struct Timestamp: Codable, Sendable, Hashable {
    var seconds: Int64
    init(_ seconds: Int64) { self.seconds = seconds }
    init?(_ seconds: Int64?) {
        guard let seconds else { return nil }
        self.seconds = seconds
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(APIUnits.time(seconds))
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        guard let seconds = APIUnits.parseTime(text) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected an ISO-8601 UTC time like 2026-12-03T08:50:13Z")
        }
        self.seconds = seconds
    }
}
