/// A vertical list of items, one per row, with an optional selected item that is kept
/// visible and drawn in the selection style behind a marker.
public struct ListView: Widget, Sendable {
    public var items: [Line]
    public var selected: Int?
    /// The first item shown, as remembered from the previous frame; `render` moves it just
    /// enough to keep the selection visible (use `ListView.offset` to store the result).
    public var offset: Int
    public var selectionStyle: Style
    /// Drawn before the selected item; other items get as many spaces.
    public var marker: String

    public init(_ items: [Line], selected: Int? = nil, offset: Int = 0,
                selectionStyle: Style = Style(.selection, .bold), marker: String = "> ") {
        self.items = items
        self.selected = selected
        self.offset = offset
        self.selectionStyle = selectionStyle
        self.marker = marker
    }

    /// The first visible row that keeps `selected` on screen, moving `previous` as little as
    /// possible; clamped so the list does not scroll past its end.
    public static func offset(selected: Int?, previous: Int, count: Int, height: Int) -> Int {
        guard height > 0, count > 0 else { return 0 }
        var offset = min(max(0, previous), max(0, count - height))
        if let selected, selected >= 0, selected < count {
            if selected < offset { offset = selected }
            if selected >= offset + height { offset = selected - height + 1 }
        }
        return offset
    }

    public func render(in area: Rect, buffer: inout Buffer) {
        guard !area.isEmpty else { return }
        let first = ListView.offset(selected: selected, previous: offset, count: items.count, height: area.height)
        let markerWidth = selected == nil ? 0 : marker.displayWidth
        let padding = String(repeating: " ", count: markerWidth)
        for row in 0..<area.height {
            let index = first + row
            guard index < items.count else { break }
            let y = area.y + row
            let isSelected = index == selected
            if isSelected {
                buffer.fill(area.row(row), with: Cell(" ", style: selectionStyle))
                buffer.write(marker, x: area.x, y: y, style: selectionStyle, maxWidth: area.width)
            } else if markerWidth > 0 {
                buffer.write(padding, x: area.x, y: y, maxWidth: area.width)
            }
            let room = area.width - markerWidth
            guard room > 0 else { continue }
            var line = items[index]
            if isSelected {
                line.spans = line.spans.map { Span($0.text, style: Style(selectionStyle.role, selectionStyle.attributes.union($0.style.attributes))) }
            }
            buffer.write(line, x: area.x + markerWidth, y: y, maxWidth: room)
        }
    }
}
