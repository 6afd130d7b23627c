import Foundation  // String(format:) for axis labels

/// One line of a chart: named points in data coordinates, drawn in a style (usually
/// `.series(n)`). Non-finite points are skipped and break the line.
public struct ChartSeries: Hashable, Sendable {
    public var name: String
    public var points: [ChartPoint]
    public var style: Style

    public init(_ name: String, points: [ChartPoint], style: Style) {
        self.name = name
        self.points = points
        self.style = style
    }

    /// A series of values at x = 0, 1, 2, ... (e.g. a metric per training step).
    public init(_ name: String, values: [Double], style: Style) {
        self.init(name, points: values.enumerated().map { ChartPoint(x: Double($0.offset), y: $0.element) }, style: style)
    }
}

public struct ChartPoint: Hashable, Sendable {
    public var x: Double
    public var y: Double
    public init(x: Double, y: Double) {
        self.x = x
        self.y = y
    }
}

/// A line chart drawn with braille characters: every cell holds 2x4 dots, so a chart of
/// W x H cells has 2W x 4H dots. With axes: the y range's max and min at the top and bottom
/// left, an L-shaped axis, the x range's min and max under it; a legend at the top right.
///
/// ```
/// 0.693│⠉⠢⢄      ━ loss
///      │   ⠑⠤⣀
/// 0.101│      ⠉⠒⠤
///      └─────────
///      0        40
/// ```
public struct LineChart: Widget, Sendable {
    public var series: [ChartSeries]
    /// Data ranges; nil takes the range of the finite points (widened by 1 if flat).
    public var xBounds: ClosedRange<Double>?
    public var yBounds: ClosedRange<Double>?
    public var showsAxes: Bool
    public var showsLegend: Bool
    public var axisStyle: Style
    public var labelStyle: Style

    public init(_ series: [ChartSeries], xBounds: ClosedRange<Double>? = nil, yBounds: ClosedRange<Double>? = nil,
                showsAxes: Bool = true, showsLegend: Bool = true, axisStyle: Style = Style(.border),
                labelStyle: Style = Style(.muted)) {
        self.series = series
        self.xBounds = xBounds
        self.yBounds = yBounds
        self.showsAxes = showsAxes
        self.showsLegend = showsLegend
        self.axisStyle = axisStyle
        self.labelStyle = labelStyle
    }

    /// The x and y ranges used for plotting.
    public var bounds: (x: ClosedRange<Double>, y: ClosedRange<Double>) {
        let finite = series.flatMap(\.points).filter { $0.x.isFinite && $0.y.isFinite }
        func range(_ values: [Double]) -> ClosedRange<Double> {
            guard let low = values.min(), let high = values.max() else { return 0...1 }
            return low < high ? low...high : (low - 1)...(high + 1)
        }
        return (xBounds ?? range(finite.map(\.x)), yBounds ?? range(finite.map(\.y)))
    }

    /// Axis labels: three significant digits ("0.693", "1.23e+04").
    public static func formatLabel(_ value: Double) -> String {
        value == 0 ? "0" : String(format: "%.3g", value)
    }

    public func render(in area: Rect, buffer: inout Buffer) {
        guard !area.isEmpty else { return }
        let (xRange, yRange) = bounds
        var plot = area
        let yTop = Self.formatLabel(yRange.upperBound), yBottom = Self.formatLabel(yRange.lowerBound)
        let labelWidth = max(yTop.displayWidth, yBottom.displayWidth)
        if showsAxes, area.width >= labelWidth + 3, area.height >= 3 {
            plot = Rect(x: area.x + labelWidth + 1, y: area.y, width: area.width - labelWidth - 1, height: area.height - 2)
            drawAxes(plot: plot, labelWidth: labelWidth, labels: (yTop, yBottom), xRange: xRange, buffer: &buffer)
        }
        plotSeries(in: plot, xRange: xRange, yRange: yRange, buffer: &buffer)
        if showsLegend { drawLegend(in: plot, buffer: &buffer) }
    }

    private func drawAxes(plot: Rect, labelWidth: Int, labels: (top: String, bottom: String),
                          xRange: ClosedRange<Double>, buffer: inout Buffer) {
        let axisX = plot.x - 1, axisY = plot.maxY
        for y in plot.y..<plot.maxY { buffer.write("│", x: axisX, y: y, style: axisStyle) }
        buffer.write("└", x: axisX, y: axisY, style: axisStyle)
        for x in plot.x..<plot.maxX { buffer.write("─", x: x, y: axisY, style: axisStyle) }
        let left = plot.x - 1 - labelWidth
        buffer.write(labels.top, x: left + labelWidth - labels.top.displayWidth, y: plot.y, style: labelStyle)
        if plot.height > 1 {
            buffer.write(labels.bottom, x: left + labelWidth - labels.bottom.displayWidth, y: plot.maxY - 1, style: labelStyle)
        }
        let xLow = Self.formatLabel(xRange.lowerBound), xHigh = Self.formatLabel(xRange.upperBound)
        buffer.write(xLow, x: plot.x, y: axisY + 1, style: labelStyle, maxWidth: plot.width)
        let highX = plot.maxX - xHigh.displayWidth
        if highX > plot.x + xLow.displayWidth {
            buffer.write(xHigh, x: highX, y: axisY + 1, style: labelStyle)
        }
    }

    /// Dot bit of braille dot (column 0...1, row 0...3) within a cell (Unicode U+2800 block).
    static let dotBits: [[UInt32]] = [[0x01, 0x08], [0x02, 0x10], [0x04, 0x20], [0x40, 0x80]]

    private func plotSeries(in plot: Rect, xRange: ClosedRange<Double>, yRange: ClosedRange<Double>,
                            buffer: inout Buffer) {
        guard !plot.isEmpty else { return }
        let dotsWide = plot.width * 2, dotsHigh = plot.height * 4
        var bits = [UInt32](repeating: 0, count: plot.width * plot.height)
        var owner = [Int](repeating: -1, count: plot.width * plot.height)
        func dot(_ x: Double, _ y: Double) -> (Int, Int)? {
            guard x.isFinite, y.isFinite else { return nil }
            let xSpan = xRange.upperBound - xRange.lowerBound, ySpan = yRange.upperBound - yRange.lowerBound
            let fx = xSpan > 0 ? (x - xRange.lowerBound) / xSpan : 0.5
            let fy = ySpan > 0 ? (yRange.upperBound - y) / ySpan : 0.5
            guard fx >= 0, fx <= 1, fy >= 0, fy <= 1 else { return nil }
            return (Int((fx * Double(dotsWide - 1)).rounded()), Int((fy * Double(dotsHigh - 1)).rounded()))
        }
        func setDot(_ dx: Int, _ dy: Int, series: Int) {
            let cell = (dy / 4) * plot.width + dx / 2
            bits[cell] |= Self.dotBits[dy % 4][dx % 2]
            owner[cell] = series
        }
        for (index, line) in series.enumerated() {
            var previous: (Int, Int)?
            for point in line.points {
                guard let current = dot(point.x, point.y) else {
                    previous = nil
                    continue
                }
                if let previous {
                    Self.bresenham(from: previous, to: current) { setDot($0, $1, series: index) }
                } else {
                    setDot(current.0, current.1, series: index)
                }
                previous = current
            }
        }
        for cell in bits.indices where bits[cell] != 0 {
            guard let scalar = Unicode.Scalar(0x2800 + bits[cell]) else { continue }
            buffer.write(String(Character(scalar)), x: plot.x + cell % plot.width, y: plot.y + cell / plot.width,
                         style: series[owner[cell]].style)
        }
    }

    /// Every dot on the straight line between two dots, both ends included.
    static func bresenham(from start: (Int, Int), to end: (Int, Int), _ visit: (Int, Int) -> Void) {
        var (x, y) = start
        let dx = abs(end.0 - x), dy = -abs(end.1 - y)
        let stepX = x < end.0 ? 1 : -1, stepY = y < end.1 ? 1 : -1
        var error = dx + dy
        while true {
            visit(x, y)
            if x == end.0 && y == end.1 { return }
            let doubled = 2 * error
            if doubled >= dy {
                error += dy
                x += stepX
            }
            if doubled <= dx {
                error += dx
                y += stepY
            }
        }
    }

    private func drawLegend(in plot: Rect, buffer: inout Buffer) {
        let entries = series.map { "━ " + $0.name }
        guard let widest = entries.map(\.displayWidth).max(), !entries.isEmpty,
              plot.width >= widest + 2, plot.height >= entries.count else { return }
        let x = plot.maxX - widest
        for (row, entry) in entries.enumerated() {
            buffer.fill(Rect(x: x - 1, y: plot.y + row, width: widest + 1, height: 1))
            buffer.write(entry, x: x, y: plot.y + row, style: series[row].style)
        }
    }
}
