/// Text for people: the HTML report and the terminal summary. Everything is
/// formatted with integer arithmetic on exact or rounded values (no
/// `String(format:)`, no locale), so the same result renders to the same
/// bytes everywhere.
enum ReportFormat {
    // MARK: - Escaping untrusted text

    /// Text safe inside HTML element content and quoted attribute values.
    static func html(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default:
                // Control characters have no business in a report (and NUL is
                // invalid HTML); show them as the replacement character.
                if (scalar.value < 0x20 && scalar != "\n" && scalar != "\t") || (0x7f...0x9f).contains(scalar.value) {
                    out += "\u{FFFD}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    /// Text safe to print to a terminal: control characters (escape
    /// sequences, carriage returns, newlines) become U+FFFD, so a strategy
    /// name cannot move the cursor or recolor the screen.
    static func terminal(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            if scalar.value < 0x20 || (0x7f...0x9f).contains(scalar.value) {
                out += "\u{FFFD}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    // MARK: - Numbers

    /// `value` with exactly `decimals` digits after the point (half to even);
    /// "n/a" for nil or NaN, "inf"/"-inf" for infinities.
    static func fixed(_ value: Double?, decimals: Int) -> String {
        guard let value, !value.isNaN else { return "n/a" }
        if value.isInfinite { return value > 0 ? "inf" : "-inf" }
        let scaled = (value * Double(FixedPoint.power(decimals))).rounded(.toNearestOrEven)
        guard scaled.magnitude < 9e18 else { return "\(StatisticNumber.decimal(value))" }
        return FixedPoint.format(Int64(scaled), decimals: decimals)
    }

    /// A fraction as a percentage with two decimals: 0.1979 → "19.79%".
    static func percent(_ fraction: Double?) -> String {
        guard let fraction, fraction.isFinite else { return fixed(fraction, decimals: 2) }
        return fixed(fraction * 100, decimals: 2) + "%"
    }

    /// Money rounded to cents (half to even) with thousands separators: "-12,345.68".
    static func money(_ amount: Money) -> String {
        let cents = FixedPoint.rescale(Int128(amount.units), from: Money.decimals, to: 2)
        return grouped(FixedPoint.format(Int64(cents), decimals: 2))
    }

    /// Money exactly, trailing zeros trimmed to at least two decimals: "0.00012", "1,000.50".
    static func exactMoney(_ amount: Money) -> String {
        var text = amount.description
        while text.hasSuffix("0"), let point = text.firstIndex(of: "."),
              text.distance(from: point, to: text.endIndex) > 3 {
            text.removeLast()
        }
        return grouped(text)
    }

    /// Inserts thousands separators into the integer part of decimal text.
    static func grouped(_ text: String) -> String {
        let negative = text.hasPrefix("-")
        let body = negative ? text.dropFirst() : Substring(text)
        let integerPart = body.prefix { $0 != "." }
        let rest = body.dropFirst(integerPart.count)
        var groups: [Substring] = []
        var end = integerPart.endIndex
        while end > integerPart.startIndex {
            let start = integerPart.index(end, offsetBy: -3, limitedBy: integerPart.startIndex) ?? integerPart.startIndex
            groups.insert(integerPart[start..<end], at: 0)
            end = start
        }
        return (negative ? "-" : "") + groups.joined(separator: ",") + rest
    }

    // MARK: - Time

    /// "2024-03-01 13:05:00" (UTC) from seconds since the epoch.
    static func dateTime(_ time: Int64) -> String {
        let day = DailyPnL.utcDay(of: time)
        let secondOfDay = time - day * 86_400
        return date(day: day) + " " + twoDigits(secondOfDay / 3600) + ":" + twoDigits(secondOfDay / 60 % 60)
            + ":" + twoDigits(secondOfDay % 60)
    }

    /// "2024-03-01" (UTC) from seconds since the epoch.
    static func date(_ time: Int64) -> String { date(day: DailyPnL.utcDay(of: time)) }

    /// The civil date of a day number (days since 1970-01-01).
    static func date(day: Int64) -> String {
        let civil = civil(day: day)
        let yearText = String(civil.year)
        return String(repeating: "0", count: max(0, 4 - yearText.count)) + yearText + "-" + twoDigits(civil.month)
            + "-" + twoDigits(civil.day)
    }

    static func civil(day: Int64) -> (year: Int64, month: Int64, day: Int64) { UTCCalendar.civil(day: day) }

    /// "3d 4h", "5h 12m", "7m 30s", "42s".
    static func duration(_ seconds: Int64) -> String {
        let days = seconds / 86_400, hours = seconds / 3600 % 24, minutes = seconds / 60 % 60, rest = seconds % 60
        if days > 0 { return "\(days)d \(hours)h" }
        if hours > 0 { return "\(hours)h \(minutes)m" }
        if minutes > 0 { return "\(minutes)m \(rest)s" }
        return "\(rest)s"
    }

    private static func twoDigits(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
}
