/// A box-drawn border with an optional title in the top edge, framing an inner area.
///
/// ```
/// ┌ Title ───┐
/// │          │
/// └──────────┘
/// ```
/// Areas narrower or lower than 2 cells get no border (there is no room for one) and
/// an inner area of zero size.
public struct Block: Widget, Sendable {
    /// The title's spans carry their own styles (`init(title: String)` uses `.title`).
    public var title: Line?
    public var borderStyle: Style
    /// Fills the whole area with blanks of this style first, if set.
    public var background: Style?

    public init(title: Line? = nil, borderStyle: Style = Style(.border), background: Style? = nil) {
        self.title = title
        self.borderStyle = borderStyle
        self.background = background
    }

    public init(title: String, borderStyle: Style = Style(.border), titleStyle: Style = Style(.title),
                background: Style? = nil) {
        self.init(title: Line(title, style: titleStyle), borderStyle: borderStyle, background: background)
    }

    /// The area inside the border.
    public func inner(_ area: Rect) -> Rect {
        guard area.width >= 2, area.height >= 2 else {
            return Rect(x: area.x, y: area.y, width: 0, height: 0)
        }
        return area.inset(by: 1)
    }

    public func render(in area: Rect, buffer: inout Buffer) {
        if let background { buffer.fill(area, with: Cell(" ", style: background)) }
        guard area.width >= 2, area.height >= 2 else { return }
        let right = area.maxX - 1, bottom = area.maxY - 1
        for x in (area.x + 1)..<right {
            buffer.write("─", x: x, y: area.y, style: borderStyle)
            buffer.write("─", x: x, y: bottom, style: borderStyle)
        }
        for y in (area.y + 1)..<bottom {
            buffer.write("│", x: area.x, y: y, style: borderStyle)
            buffer.write("│", x: right, y: y, style: borderStyle)
        }
        buffer.write("┌", x: area.x, y: area.y, style: borderStyle)
        buffer.write("┐", x: right, y: area.y, style: borderStyle)
        buffer.write("└", x: area.x, y: bottom, style: borderStyle)
        buffer.write("┘", x: right, y: bottom, style: borderStyle)
        // The title sits after the corner, padded by a space on each side when room allows.
        guard let title, area.width > 2 else { return }
        let room = area.width - 2
        var spans = title.spans
        if room >= title.displayWidth + 2 {
            spans = [Span(" ", style: borderStyle)] + spans + [Span(" ", style: borderStyle)]
        }
        buffer.write(Line(spans), x: area.x + 1, y: area.y, maxWidth: room)
    }
}
