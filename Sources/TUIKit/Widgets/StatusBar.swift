/// One key hint: the key as shown and what it does.
public struct KeyHint: Hashable, Sendable {
    public var key: String
    public var action: String

    public init(_ key: String, _ action: String) {
        self.key = key
        self.action = action
    }
}

/// A one-row bar of key hints, `q quit  ? help  j/k move`; hints that do not fit whole
/// are left out, so a narrow terminal shows the first few rather than a cut word.
public struct StatusBar: Widget, Sendable {
    public var hints: [KeyHint]
    public var keyStyle: Style
    public var actionStyle: Style
    public var barStyle: Style

    public init(_ hints: [KeyHint], keyStyle: Style = Style(.keyHint, .bold), actionStyle: Style = Style(.statusBar),
                barStyle: Style = Style(.statusBar)) {
        self.hints = hints
        self.keyStyle = keyStyle
        self.actionStyle = actionStyle
        self.barStyle = barStyle
    }

    public func render(in area: Rect, buffer: inout Buffer) {
        guard !area.isEmpty else { return }
        let row = area.row(0)
        buffer.fill(row, with: Cell(" ", style: barStyle))
        var x = row.x
        for (index, hint) in hints.enumerated() {
            let gap = index == 0 ? 0 : 2
            let width = gap + hint.key.displayWidth + 1 + hint.action.displayWidth
            guard x + width <= row.maxX else { break }
            x += gap
            x += buffer.write(hint.key, x: x, y: row.y, style: keyStyle)
            x += 1
            x += buffer.write(hint.action, x: x, y: row.y, style: actionStyle)
        }
    }
}
