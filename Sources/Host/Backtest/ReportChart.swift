/// A line chart drawn as hand-written SVG: axes, five labeled horizontal grid
/// lines, dates along the bottom and one polyline (or a filled area under the
/// zero line, for drawdowns). Coordinates are rounded to 0.1 px with integer
/// formatting, so the same data always draws the same bytes.
struct ReportChart {
    var label: String
    var times: [Int64]
    var values: [Double]
    var formatValue: (Double) -> String
    var color: String
    /// Fill between the line and zero (the drawdown chart) instead of a bare line.
    var fillsToZero = false
    var width = 880
    var height = 260

    private static let left = 84.0, right = 16.0, top = 14.0, bottom = 34.0

    func svg() -> String {
        let left = Self.left, right = Self.right, top = Self.top, bottom = Self.bottom
        let plotWidth = Double(width) - left - right
        let plotHeight = Double(height) - top - bottom
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 \(width) \(height)\""
            + " width=\"\(width)\" height=\"\(height)\" role=\"img\" aria-label=\"\(ReportFormat.html(label))\">\n"
        guard let firstTime = times.first, let lastTime = times.last, !values.isEmpty else {
            return out + "<text x=\"\(width / 2)\" y=\"\(height / 2)\" text-anchor=\"middle\">No data</text>\n</svg>"
        }
        var low = values.min()!, high = values.max()!
        if fillsToZero { high = max(high, 0); low = min(low, 0) }
        if low == high {
            let pad = low == 0 ? 1 : abs(low) * 0.01
            low -= pad
            high += pad
        } else if !fillsToZero {
            let pad = (high - low) * 0.05
            low -= pad
            high += pad
        }
        let span = Double(max(lastTime - firstTime, 1))
        func x(_ time: Int64) -> Double {
            lastTime == firstTime ? left + plotWidth / 2 : left + Double(time - firstTime) / span * plotWidth
        }
        func y(_ value: Double) -> Double { top + (high - value) / (high - low) * plotHeight }

        // Grid and value labels.
        for step in 0...4 {
            let value = high - (high - low) * Double(step) / 4
            let lineY = coordinate(y(value))
            out += "<line class=\"grid\" x1=\"\(coordinate(left))\" y1=\"\(lineY)\" x2=\"\(coordinate(left + plotWidth))\" y2=\"\(lineY)\"/>\n"
            out += "<text class=\"axis\" x=\"\(coordinate(left - 6))\" y=\"\(lineY)\" text-anchor=\"end\" dominant-baseline=\"middle\">"
                + ReportFormat.html(formatValue(value)) + "</text>\n"
        }
        // Axes.
        let bottomY = coordinate(top + plotHeight)
        out += "<line class=\"axis-line\" x1=\"\(coordinate(left))\" y1=\"\(coordinate(top))\" x2=\"\(coordinate(left))\" y2=\"\(bottomY)\"/>\n"
        out += "<line class=\"axis-line\" x1=\"\(coordinate(left))\" y1=\"\(bottomY)\" x2=\"\(coordinate(left + plotWidth))\" y2=\"\(bottomY)\"/>\n"
        // Date labels: start, middle, end.
        let labelY = coordinate(top + plotHeight + 20)
        let middleTime = firstTime + (lastTime - firstTime) / 2
        for (time, anchor) in [(firstTime, "start"), (middleTime, "middle"), (lastTime, "end")] {
            out += "<text class=\"axis\" x=\"\(coordinate(x(time)))\" y=\"\(labelY)\" text-anchor=\"\(anchor)\">"
                + ReportFormat.date(time) + "</text>\n"
        }
        // The data.
        var points = ""
        points.reserveCapacity(values.count * 14)
        for (time, value) in zip(times, values) {
            if !points.isEmpty { points += " " }
            points += coordinate(x(time)) + "," + coordinate(y(value))
        }
        if fillsToZero {
            let zero = coordinate(y(0))
            let area = coordinate(x(firstTime)) + "," + zero + " " + points + " " + coordinate(x(lastTime)) + "," + zero
            out += "<polygon class=\"area\" fill=\"\(color)\" fill-opacity=\"0.25\" stroke=\"\(color)\" stroke-width=\"1\" points=\"\(area)\"/>\n"
        } else {
            out += "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"1.5\" stroke-linejoin=\"round\" points=\"\(points)\"/>\n"
        }
        return out + "</svg>"
    }

    /// A coordinate with one decimal: 12.345 → "12.3".
    private func coordinate(_ value: Double) -> String { ReportFormat.fixed(value, decimals: 1) }
}
