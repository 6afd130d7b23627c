import TUIKit

/// The help overlay (bindings of the current screen, generated from the keymap) and the
/// command palette, both centred boxes with a filter field on top.
enum Overlays {
    static func box(in area: Rect, width: Int) -> Rect {
        let boxWidth = min(width, area.width - 4), boxHeight = max(3, area.height - 2)
        return Rect(x: area.x + (area.width - boxWidth) / 2, y: area.y + 1, width: boxWidth, height: boxHeight)
    }

    static func renderHelp(_ state: WorkbenchState, input: InputState, in area: Rect, buffer: inout Buffer) {
        let rect = box(in: area, width: 76)
        let block = Block(title: "Help · \(state.screen.title) (type to filter, Esc closes)", background: .normal)
        buffer.render(block, in: rect)
        let inner = block.inner(rect)
        guard inner.height > 1 else { return }
        buffer.render(TextInput(input.field, prompt: "filter: "), in: inner.row(0))
        let rows = state.keymap.helpRows(for: state.screen, filter: input.field.text)
        let keysWidth = min(16, rows.map(\.keys.displayWidth).max() ?? 0)
        var lines: [Line] = rows.map { row in
            Line([Span(pad(row.keys, keysWidth), style: Style(.keyHint)), Span(" " + pad(row.name, 16), style: Style(.muted)),
                  Span(" " + row.summary)])
        }
        if input.field.text.isEmpty {
            lines.append(Line(""))
            lines += LabelStatus.allCases.map { Line([Span(" " + $0.glyph + "  ", style: Style(CompareView.glyphRole($0))),
                                                      Span($0.meaning, style: Style(.muted))]) }
            // The column titles: the demo manifest has each provider write two rationales.
            lines.append(Line(""))
            lines += [("RP2", "provider 2's rationale"),
                      ("RP2/3", "provider 2's third ([loop] rationales_per_provider)")].map {
                Line([Span(" " + pad($0.0, 7), style: Style(.keyHint)), Span($0.1, style: Style(.muted))])
            }
        }
        if lines.isEmpty { lines = [Line("no binding matches", style: Style(.muted))] }
        let listArea = Rect(x: inner.x, y: inner.y + 1, width: inner.width, height: inner.height - 1)
        let first = min(input.selection, max(0, lines.count - listArea.height))
        for (row, line) in lines.dropFirst(first).prefix(listArea.height).enumerated() {
            buffer.write(line, x: listArea.x, y: listArea.y + row, maxWidth: listArea.width)
        }
    }

    static func renderPalette(_ state: WorkbenchState, input: InputState, in area: Rect, buffer: inout Buffer) {
        let rect = box(in: area, width: 64)
        let block = Block(title: "Commands (Enter runs, \"train N\" sets steps)", background: .normal)
        buffer.render(block, in: rect)
        let inner = block.inner(rect)
        guard inner.height > 1 else { return }
        buffer.render(TextInput(input.field, prompt: ": "), in: inner.row(0))
        let entries = Palette.entries(filter: input.field.text, themeNames: state.themeNames)
        let selected = entries.isEmpty ? nil : min(input.selection, entries.count - 1)
        let items = entries.map { Line([Span(pad($0.name, 18), style: Style(.accent)), Span(" " + $0.summary)]) }
        buffer.render(ListView(items, selected: selected), in: Rect(x: inner.x, y: inner.y + 1, width: inner.width,
                                                                   height: inner.height - 1))
    }

    static func pad(_ text: String, _ width: Int) -> String {
        text + String(repeating: " ", count: max(0, width - text.displayWidth))
    }
}
