/// Styled text, word-wrapped by display width (or clipped), scrolled vertically.
public struct Paragraph: Widget, Sendable {
    public var lines: [Line]
    public var wrap: Bool
    /// The first display line shown (after wrapping); clamped to `maxScroll` so the last
    /// line never rises above the bottom edge.
    public var scroll: Int
    /// Blank cells of the area take this style.
    public var style: Style

    public init(_ lines: [Line], wrap: Bool = true, scroll: Int = 0, style: Style = .normal) {
        self.lines = lines
        self.wrap = wrap
        self.scroll = scroll
        self.style = style
    }

    /// Plain text; newlines start new hard lines.
    public init(_ text: String, style: Style = .normal, wrap: Bool = true, scroll: Int = 0) {
        self.init(Line.hardLines(of: text, style: style), wrap: wrap, scroll: scroll, style: style)
    }

    /// The display lines for a given width, after wrapping (or one per hard line).
    public func displayLines(width: Int) -> [[StyledGrapheme]] {
        if wrap { return WordWrap.wrap(lines, width: width) }
        return lines.map { line in line.spans.flatMap { span in span.text.map { StyledGrapheme($0, style: span.style) } } }
    }

    /// The first `limit` display lines and whether they are all.
    func visibleLines(width: Int, limit: Int) -> (lines: [[StyledGrapheme]], complete: Bool) {
        if wrap { return WordWrap.wrapPrefix(lines, width: width, limit: limit) }
        let shown = lines.prefix(limit).map { line in line.spans.flatMap { span in span.text.map { StyledGrapheme($0, style: span.style) } } }
        return (shown, lines.count <= limit)
    }

    /// How many display lines the text takes at this width (for scroll bars and limits).
    public func lineCount(width: Int) -> Int { displayLines(width: width).count }

    /// The largest useful scroll offset in an area: the last line at the bottom edge.
    public func maxScroll(in area: Rect) -> Int { max(0, lineCount(width: area.width) - area.height) }

    public func render(in area: Rect, buffer: inout Buffer) {
        guard !area.isEmpty else { return }
        buffer.fill(area, with: Cell(" ", style: style))
        // Only the lines up to the bottom of the area are wrapped (a text of megabytes costs
        // what its visible part costs); the scroll is clamped as if all were, once all are.
        let (display, complete) = visibleLines(width: area.width, limit: max(0, scroll) + area.height)
        let first = complete ? min(max(0, scroll), max(0, display.count - area.height)) : max(0, scroll)
        for (row, line) in display.dropFirst(first).prefix(area.height).enumerated() {
            var x = area.x
            for item in line {
                x += buffer.put(item.grapheme, width: item.width, x: x, y: area.y + row, style: item.style, limit: area.maxX)
                if x >= area.maxX { break }
            }
        }
    }
}
