/// Progress of a job: how much is done, of how much, and since when. The rate is the
/// average since the start: rate = done / elapsed; ETA = (total - done) / rate.
public struct Progress: Hashable, Sendable {
    public var done: Double
    public var total: Double
    public var elapsedSeconds: Double

    public init(done: Double, total: Double, elapsedSeconds: Double) {
        self.done = done
        self.total = total
        self.elapsedSeconds = elapsedSeconds
    }

    /// Done / total in 0...1 (0 when the total is unknown or zero).
    public var fraction: Double {
        guard total > 0, done.isFinite, total.isFinite else { return 0 }
        return min(1, max(0, done / total))
    }

    /// Units per second, nil before any time has passed or anything is done.
    public var rate: Double? {
        guard elapsedSeconds > 0, done > 0, done.isFinite else { return nil }
        return done / elapsedSeconds
    }

    /// Seconds left at the current rate; 0 when finished, nil when no rate is known yet.
    public var etaSeconds: Double? {
        if total > 0, done >= total { return 0 }
        guard let rate, total > 0 else { return nil }
        return (total - done) / rate
    }

    /// "m:ss", or "h:mm:ss" from an hour on; seconds are rounded up so that "0:00" means done.
    public static func formatDuration(_ seconds: Double) -> String {
        guard seconds.isFinite, seconds >= 0 else { return "--:--" }
        let whole = Int(seconds.rounded(.up))
        let hours = whole / 3600, minutes = (whole % 3600) / 60, secs = whole % 60
        func twoDigits(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return hours > 0 ? "\(hours):\(twoDigits(minutes)):\(twoDigits(secs))" : "\(minutes):\(twoDigits(secs))"
    }

    /// A rate with one decimal, e.g. "12.5".
    public static func formatRate(_ rate: Double) -> String {
        guard rate.isFinite else { return "-" }
        let tenths = Int((rate * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }
}

/// A bar with eighth-cell precision followed by "done/total  rate unit/s  ETA m:ss":
/// `████▌      42/100  3.1 it/s  ETA 0:19`. The text is dropped first when space is short.
public struct ProgressBar: Widget, Sendable {
    public var progress: Progress
    public var unit: String
    public var filledStyle: Style
    public var emptyStyle: Style
    public var labelStyle: Style
    /// False for work that is not moving (paused, stopped): the ETA reads "--:--".
    public var showsETA: Bool

    public init(_ progress: Progress, unit: String = "it", filledStyle: Style = Style(.accent),
                emptyStyle: Style = Style(.muted), labelStyle: Style = .normal, showsETA: Bool = true) {
        self.progress = progress
        self.unit = unit
        self.showsETA = showsETA
        self.filledStyle = filledStyle
        self.emptyStyle = emptyStyle
        self.labelStyle = labelStyle
    }

    /// The text shown after the bar.
    public var label: String {
        let rate = progress.rate.map { "\(Progress.formatRate($0)) \(unit)/s" } ?? "- \(unit)/s"
        let eta = showsETA ? progress.etaSeconds.map(Progress.formatDuration) ?? "--:--" : "--:--"
        return "\(Self.formatCount(progress.done))/\(Self.formatCount(progress.total))  \(rate)  ETA \(eta)"
    }

    static func formatCount(_ value: Double) -> String {
        guard value.isFinite else { return "?" }
        return value == value.rounded() && abs(value) < 1e15 ? "\(Int(value))" : Progress.formatRate(value)
    }

    /// The bar's characters for `width` cells: full blocks, one partial eighth block, spaces.
    public static func barText(fraction: Double, width: Int) -> String {
        guard width > 0 else { return "" }
        let eighths = Int((min(1, max(0, fraction)) * Double(width * 8)).rounded(.down))
        let partials: [Character] = ["▏", "▎", "▍", "▌", "▋", "▊", "▉"]
        var text = String(repeating: "█", count: eighths / 8)
        if eighths % 8 > 0 { text.append(partials[eighths % 8 - 1]) }
        return text + String(repeating: " ", count: width - text.count)
    }

    public func render(in area: Rect, buffer: inout Buffer) {
        guard !area.isEmpty else { return }
        let text = " " + label
        let labelWidth = text.displayWidth
        let barWidth = area.width - labelWidth >= 4 ? area.width - labelWidth : area.width
        let bar = Self.barText(fraction: progress.fraction, width: barWidth)
        let filledCount = bar.prefix { $0 != " " }.count
        buffer.write(bar.prefix(filledCount), x: area.x, y: area.y, style: filledStyle, maxWidth: barWidth)
        buffer.fill(Rect(x: area.x + filledCount, y: area.y, width: barWidth - filledCount, height: 1),
                    with: Cell("·", style: emptyStyle))
        if barWidth < area.width {
            buffer.write(text, x: area.x + barWidth, y: area.y, style: labelStyle, maxWidth: area.width - barWidth)
        }
    }
}
