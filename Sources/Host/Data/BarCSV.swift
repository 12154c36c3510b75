import Foundation

/// Why a bar file could not be read. Every case names the line.
public enum BarFileError: Error, Equatable, CustomStringConvertible {
    case unreadable(path: String, reason: String)
    case missingHeader
    case malformedLine(line: Int, reason: String)
    case outOfOrder(line: Int)
    case empty

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): "cannot read \(path): \(reason)"
        case .missingHeader: "line 1: expected a header with time,open,high,low,close,volume"
        case .malformedLine(let line, let reason): "line \(line): \(reason)"
        case .outOfOrder(let line): "line \(line): time is earlier than the previous bar's"
        case .empty: "the file holds no bars"
        }
    }
}

/// Reads OHLCV bars from CSV: a header naming `time,open,high,low,close,volume`
/// (any order, extra columns ignored), times as epoch seconds or ISO-8601,
/// prices and volumes as decimal text parsed exactly onto the instrument's
/// grid. A malformed line fails the whole file, so nothing runs on partial data.
public enum BarCSV {
    public static func load(path: String, instrument: Instrument) throws(BarFileError) -> [Bar] {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw .unreadable(path: path, reason: error.localizedDescription)
        }
        return try parse(text, instrument: instrument)
    }

    public static func parse(_ text: String, instrument: Instrument) throws(BarFileError) -> [Bar] {
        var lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).makeIterator()
        guard let header = lines.next() else { throw .missingHeader }
        let columns = header.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        let names = ["time", "open", "high", "low", "close", "volume"]
        var positions: [Int] = []
        for name in names {
            let aliases = name == "time" ? ["time", "timestamp", "date"] : [name]
            guard let position = columns.firstIndex(where: aliases.contains) else { throw .missingHeader }
            positions.append(position)
        }
        var bars: [Bar] = []
        var lineNumber = 1
        while let line = lines.next() {
            lineNumber += 1
            if line.allSatisfy(\.isWhitespace) { continue }
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            guard fields.count >= columns.count else {
                throw .malformedLine(line: lineNumber, reason: "expected \(columns.count) fields, found \(fields.count)")
            }
            let time = try parseTime(fields[positions[0]], line: lineNumber)
            var values: [Int64] = []
            for (offset, position) in positions.dropFirst().enumerated() {
                let field = fields[position].trimmingCharacters(in: .whitespaces)
                let decimals = offset == 4 ? instrument.quantityDecimals : instrument.priceDecimals
                guard let value = FixedPoint.parse(field, decimals: decimals), value >= 0 else {
                    throw .malformedLine(
                        line: lineNumber,
                        reason: "\(names[offset + 1]) '\(field)' is not a non-negative decimal with at most \(decimals) decimals")
                }
                values.append(value)
            }
            let bar = Bar(time: time, open: Price(ticks: values[0]), high: Price(ticks: values[1]), low: Price(ticks: values[2]),
                          close: Price(ticks: values[3]), volume: Quantity(lots: values[4]))
            guard bar.high >= max(bar.open, bar.close, bar.low), bar.low <= min(bar.open, bar.close) else {
                throw .malformedLine(line: lineNumber, reason: "high/low do not bound open and close")
            }
            if let previous = bars.last, previous.time > time { throw .outOfOrder(line: lineNumber) }
            bars.append(bar)
        }
        guard !bars.isEmpty else { throw .empty }
        return bars
    }

    /// A time as the files write it (epoch seconds or milliseconds, ISO-8601
    /// with or without fractional seconds, or a date), or nil.
    public static func time(_ text: String) -> Int64? { try? parseTime(Substring(text), line: 0) }

    private static func parseTime(_ field: Substring, line: Int) throws(BarFileError) -> Int64 {
        let text = field.trimmingCharacters(in: .whitespaces)
        if let seconds = Int64(text) {
            // Epoch milliseconds are common in exchange exports.
            return seconds > 100_000_000_000 ? seconds / 1000 : seconds
        }
        let formatter = ISO8601DateFormatter()
        for options: ISO8601DateFormatter.Options in [[.withInternetDateTime], [.withInternetDateTime, .withFractionalSeconds], [.withFullDate]] {
            formatter.formatOptions = options
            if let date = formatter.date(from: text) { return Int64(date.timeIntervalSince1970) }
        }
        throw .malformedLine(line: line, reason: "time '\(text)' is neither epoch seconds nor ISO-8601")
    }
}
