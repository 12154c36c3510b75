/// Returns month by month, as backtesting tools tabulate them: each month's
/// return is its last equity point (UTC) over the previous month's last
/// point, the first month measured from the first point of the curve.
public struct MonthlyReturns: Sendable, Equatable {
    /// One row of the table.
    public struct Year: Sendable, Equatable {
        public var year: Int64
        /// Twelve entries, January first; nil for a month without equity points.
        public var months: [Double?]
        /// The year's last equity over the previous year's last (or the
        /// curve's first point): the months compounded.
        public var total: Double?
    }

    /// The years the curve spans, in order (years without any point are left out).
    public var years: [Year]

    /// `curve` must be in time order. A return whose base equity is zero or
    /// negative is undefined (nil).
    public init(curve: [EquityPoint]) {
        years = []
        guard let first = curve.first else { return }
        // The last equity of each month that has points, in order.
        var monthEnds: [(month: Int64, equity: Money)] = []
        var day = Int64.min, month: Int64 = 0
        for point in curve {
            let pointDay = DailyPnL.utcDay(of: point.time)
            if pointDay != day {  // the calendar only when the day changes: a million points stay cheap
                day = pointDay
                let civil = ReportFormat.civil(day: day)
                month = civil.year * 12 + civil.month - 1
            }
            if let last = monthEnds.last, last.month == month {
                monthEnds[monthEnds.count - 1].equity = point.equity
            } else {
                monthEnds.append((month, point.equity))
            }
        }
        // Each month against the previous month's end; each year against the
        // previous year's end (its last month with points), which is the
        // month base at the moment the year changes.
        var monthBase = first.equity
        var yearBase = first.equity
        for end in monthEnds {
            let (year, monthOfYear) = Self.split(end.month)
            if years.last?.year != year {
                yearBase = monthBase
                years.append(Year(year: year, months: Array(repeating: nil, count: 12), total: nil))
            }
            years[years.count - 1].months[Int(monthOfYear)] = Self.change(from: monthBase, to: end.equity)
            years[years.count - 1].total = Self.change(from: yearBase, to: end.equity)
            monthBase = end.equity
        }
    }

    private static func split(_ month: Int64) -> (year: Int64, month: Int64) {
        let year = month >= 0 ? month / 12 : (month - 11) / 12
        return (year, month - year * 12)
    }

    private static func change(from base: Money, to end: Money) -> Double? {
        guard base.units > 0 else { return nil }
        return Double(end.units - base.units) / Double(base.units)
    }
}
