/// A line chart drawn as hand-written SVG: axes, five labeled horizontal grid
/// lines, dates along the bottom, one polyline per series (or a filled area
/// under the zero line, for drawdowns), a legend when there is more than one
/// series, and optional buy/sell markers. Coordinates are rounded to 0.1 px
/// with integer formatting, so the same data always draws the same bytes.
///
/// It draws every point it is given: callers bound the series first
/// (`ReportDownsample`) and the markers (`BacktestReport.markerTradeLimit`).
struct ReportChart {
    struct Series {
        var label: String
        var points: [ChartPoint]
        var color: String
        var dashed = false
    }

    /// A fill: ▲ for a buy, ▼ for a sell, its tip at the fill price.
    struct Marker {
        var time: Int64
        var value: Double
        var isBuy: Bool
        /// Shown on hover (SVG `<title>`); escaped here.
        var title: String
    }

    var label: String
    var series: [Series]
    var markers: [Marker] = []
    var formatValue: (Double) -> String
    /// Fill between the line and zero (the drawdown chart) instead of a bare line.
    var fillsToZero = false
    var width = 880
    var height = 260

    private static let left = 84.0, right = 16.0, top = 14.0, bottom = 34.0

    init(label: String, series: [Series], markers: [Marker] = [], formatValue: @escaping (Double) -> String,
         fillsToZero: Bool = false) {
        self.label = label
        self.series = series
        self.markers = markers
        self.formatValue = formatValue
        self.fillsToZero = fillsToZero
    }

    /// One series, named after the chart.
    init(label: String, points: [ChartPoint], formatValue: @escaping (Double) -> String, color: String,
         fillsToZero: Bool = false) {
        self.init(label: label, series: [Series(label: label, points: points, color: color)],
                  formatValue: formatValue, fillsToZero: fillsToZero)
    }

    func svg() -> String {
        let left = Self.left, right = Self.right, top = Self.top, bottom = Self.bottom
        let plotWidth = Double(width) - left - right
        let plotHeight = Double(height) - top - bottom
        var out = "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 \(width) \(height)\""
            + " width=\"\(width)\" height=\"\(height)\" role=\"img\" aria-label=\"\(ReportFormat.html(label))\">\n"
        let drawn = series.filter { !$0.points.isEmpty }
        let allTimes = drawn.flatMap { [$0.points.first!.time, $0.points.last!.time] }
        guard let firstTime = allTimes.min(), let lastTime = allTimes.max() else {
            return out + "<text x=\"\(width / 2)\" y=\"\(height / 2)\" text-anchor=\"middle\">No data</text>\n</svg>"
        }
        var low = Double.infinity, high = -Double.infinity
        for line in drawn {
            for point in line.points {
                low = min(low, point.value)
                high = max(high, point.value)
            }
        }
        for marker in markers where (firstTime...lastTime).contains(marker.time) {
            low = min(low, marker.value)
            high = max(high, marker.value)
        }
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
        // The data, first series on top (drawn last).
        for line in drawn.reversed() {
            var points = ""
            points.reserveCapacity(line.points.count * 14)
            for point in line.points {
                if !points.isEmpty { points += " " }
                points += coordinate(x(point.time)) + "," + coordinate(y(point.value))
            }
            if fillsToZero {
                let zero = coordinate(y(0))
                let area = coordinate(x(line.points.first!.time)) + "," + zero + " " + points + " "
                    + coordinate(x(line.points.last!.time)) + "," + zero
                out += "<polygon class=\"area\" fill=\"\(line.color)\" fill-opacity=\"0.25\" stroke=\"\(line.color)\" stroke-width=\"1\" points=\"\(area)\"/>\n"
            } else {
                let dash = line.dashed ? " stroke-dasharray=\"5 3\"" : ""
                out += "<polyline fill=\"none\" stroke=\"\(line.color)\" stroke-width=\"1.5\" stroke-linejoin=\"round\"\(dash) points=\"\(points)\"/>\n"
            }
        }
        out += markerPaths(x: x, y: y, range: firstTime...lastTime)
        if drawn.count > 1 { out += legend(drawn) }
        return out + "</svg>"
    }

    private func markerPaths(x: (Int64) -> Double, y: (Double) -> Double, range: ClosedRange<Int64>) -> String {
        var out = ""
        for marker in markers where range.contains(marker.time) {
            let tip = coordinate(x(marker.time)) + "," + coordinate(y(marker.value))
            // The tip at the price; the body below a buy, above a sell.
            let shape = marker.isBuy ? "l-4,8h8z" : "l-4,-8h8z"
            out += "<path class=\"\(marker.isBuy ? "buy" : "sell")\" d=\"M\(tip)\(shape)\"><title>"
                + ReportFormat.html(marker.title) + "</title></path>\n"
        }
        return out
    }

    private func legend(_ drawn: [Series]) -> String {
        // A pale box under the entries so lines crossing the corner do not hide them.
        let longest = drawn.map(\.label.count).max() ?? 0
        var out = "<rect x=\"\(coordinate(Self.left + 4))\" y=\"\(coordinate(Self.top + 1))\""
            + " width=\"\(coordinate(Double(40 + 7 * longest)))\" height=\"\(coordinate(Double(16 * drawn.count + 2)))\""
            + " fill=\"#ffffff\" fill-opacity=\"0.85\"/>\n"
        for (row, line) in drawn.enumerated() {
            let lineY = Self.top + 10 + Double(row) * 16
            let dash = line.dashed ? " stroke-dasharray=\"5 3\"" : ""
            out += "<line x1=\"\(coordinate(Self.left + 10))\" y1=\"\(coordinate(lineY))\" x2=\"\(coordinate(Self.left + 32))\""
                + " y2=\"\(coordinate(lineY))\" stroke=\"\(line.color)\" stroke-width=\"2\"\(dash)/>\n"
            out += "<text class=\"legend\" x=\"\(coordinate(Self.left + 38))\" y=\"\(coordinate(lineY))\" dominant-baseline=\"middle\">"
                + ReportFormat.html(line.label) + "</text>\n"
        }
        return out
    }

    /// A coordinate with one decimal: 12.345 → "12.3".
    private func coordinate(_ value: Double) -> String { ReportFormat.fixed(value, decimals: 1) }
}
