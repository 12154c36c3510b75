/// Days of the week, in UTC.
public struct Weekdays: OptionSet, Sendable, Hashable, Codable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let monday = Weekdays(rawValue: 1 << 0)
    public static let tuesday = Weekdays(rawValue: 1 << 1)
    public static let wednesday = Weekdays(rawValue: 1 << 2)
    public static let thursday = Weekdays(rawValue: 1 << 3)
    public static let friday = Weekdays(rawValue: 1 << 4)
    public static let saturday = Weekdays(rawValue: 1 << 5)
    public static let sunday = Weekdays(rawValue: 1 << 6)
    /// Monday to Friday.
    public static let mondayToFriday: Weekdays = [.monday, .tuesday, .wednesday, .thursday, .friday]
    public static let everyDay: Weekdays = [.mondayToFriday, .saturday, .sunday]

    static let names = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]

    /// The weekday of a UTC day counted from 1970-01-01, which was a Thursday.
    @inline(__always)
    static func of(day: Int64) -> Weekdays {
        let index = ((day + 3) % 7 + 7) % 7 // Monday = 0
        return Weekdays(rawValue: 1 << UInt8(index))
    }

    /// "Mon,Tue,Fri" in week order.
    public var text: String {
        (0..<7).filter { rawValue & (1 << $0) != 0 }.map { Weekdays.names[$0] }.joined(separator: ",")
    }

    /// Encoded as a list of names, `["Mon", "Tue"]`, so configuration stays readable.
    public init(from decoder: any Decoder) throws {
        var container = try decoder.unkeyedContainer()
        var days = Weekdays()
        while !container.isAtEnd {
            let name = try container.decode(String.self)
            guard let index = Weekdays.names.firstIndex(where: { $0.lowercased() == name.prefix(3).lowercased() }) else {
                throw DecodingError.dataCorruptedError(in: container, debugDescription: "unknown weekday \(name)")
            }
            days.insert(Weekdays(rawValue: 1 << UInt8(index)))
        }
        self = days
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.unkeyedContainer()
        for index in 0..<7 where rawValue & (1 << index) != 0 {
            try container.encode(Weekdays.names[index])
        }
    }
}

/// When a deployment may trade: listed UTC weekdays, from `startMinute` to
/// `endMinute` (minutes after UTC midnight, end excluded).
///
/// A window with `startMinute > endMinute` runs overnight (22:00–06:00), and
/// the part after midnight belongs to the session that opened the evening
/// before: a Mon–Fri 22:00–06:00 window is open on Saturday 05:00 (Friday's
/// session) and closed on Monday 05:00. `startMinute == endMinute` means the
/// whole day.
public struct TradingWindow: Sendable, Codable, Equatable {
    public var weekdays: Weekdays
    /// 0..<1440.
    public var startMinute: Int
    /// 0...1440; 1440 is the end of the day.
    public var endMinute: Int

    public init(weekdays: Weekdays, startMinute: Int, endMinute: Int) {
        precondition((0..<1440).contains(startMinute) && (0...1440).contains(endMinute),
                     "a trading window runs from a minute in 0..<1440 to one in 0...1440")
        self.weekdays = weekdays
        self.startMinute = startMinute
        self.endMinute = endMinute
    }

    /// Whether the moment `nanoseconds` after the Unix epoch falls inside.
    public func contains(nanoseconds: Int64) -> Bool {
        contains(RiskTime.DayAndMinute(nanoseconds: nanoseconds))
    }

    /// The same, for a moment already split into day and minute (the engine
    /// does that once per order for all three layers' windows).
    @inline(__always)
    func contains(_ moment: RiskTime.DayAndMinute) -> Bool {
        let minute = moment.minute
        if startMinute < endMinute {
            return minute >= startMinute && minute < endMinute && weekdays.contains(moment.weekday)
        }
        if startMinute == endMinute { return weekdays.contains(moment.weekday) }
        if minute >= startMinute { return weekdays.contains(moment.weekday) }
        if minute < endMinute { return weekdays.contains(moment.previousWeekday) }
        return false
    }

    /// "Mon,Tue,Wed,Thu,Fri 13:30-20:00 UTC".
    public var text: String {
        "\(weekdays.text) \(RiskTime.clock(minute: startMinute))-\(RiskTime.clock(minute: endMinute)) UTC"
    }
}

/// Time arithmetic shared by the risk checks. All times are nanoseconds since
/// the Unix epoch, UTC, from the caller's (injected) clock.
enum RiskTime {
    static let nanosecondsPerSecond: Int64 = 1_000_000_000
    static let nanosecondsPerDay: Int64 = 86_400 * nanosecondsPerSecond

    /// A moment as a UTC day since the epoch, its weekday (and the day
    /// before's, for overnight windows) and a minute of that day.
    struct DayAndMinute {
        var day: Int64
        var minute: Int
        var weekday: Weekdays
        var previousWeekday: Weekdays

        @inline(__always)
        init(nanoseconds: Int64) {
            let minutes = floorDivide(nanoseconds, 60 * nanosecondsPerSecond)
            day = floorDivide(minutes, 1_440)
            minute = Int(minutes - day * 1_440)
            weekday = .of(day: day)
            previousWeekday = Weekdays(rawValue: weekday == .monday ? Weekdays.sunday.rawValue : weekday.rawValue >> 1)
        }
    }

    @inline(__always)
    static func floorDivide(_ value: Int64, _ divisor: Int64) -> Int64 {
        let quotient = value / divisor
        return (value % divisor < 0) ? quotient - 1 : quotient
    }

    /// "13:05".
    static func clock(minute: Int) -> String {
        let hours = minute / 60, minutes = minute % 60
        return (hours < 10 ? "0" : "") + String(hours) + ":" + (minutes < 10 ? "0" : "") + String(minutes)
    }

    /// "Sat 10:30 UTC" for a moment.
    static func text(nanoseconds: Int64) -> String {
        let moment = DayAndMinute(nanoseconds: nanoseconds)
        return "\(moment.weekday.text) \(clock(minute: moment.minute)) UTC"
    }
}
