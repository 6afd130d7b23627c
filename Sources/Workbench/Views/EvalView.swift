import TUIKit

/// Test accuracy per round (I -> A, each provider, the selected provider, the oracle)
/// and auto/human label agreement (COLLATE.md sections 4 and 7).
enum EvalView {
    static func render(_ state: WorkbenchState, in area: Rect, buffer: inout Buffer) {
        let rows = Layout.vertical([.min(5), .fixed(9)]).split(area)  // agreement + one row per glyph
        let block = Block(title: "Test accuracy per round" + (state.jobs[.eval]?.phase == .running ? " · evaluating" : ""))
        buffer.render(block, in: rows[0])
        let inner = block.inner(rows[0])
        // Accuracy is per provider; the session's names may go on to further rationales of
        // each (RP1/2, ...), which have no column here.
        let providerCount = state.session.evalRows.map(\.providers.count).max() ?? 0
        let providerNames = state.session.providers.prefix(providerCount).enumerated().map { index, name in
            state.blind ? "provider \(index + 1)" : name
        }
        var columns = [TableColumn("round", width: .fixed(5), alignRight: true), TableColumn("I -> A", width: .min(7), alignRight: true)]
        columns += providerNames.map { TableColumn($0, width: .min(7), alignRight: true) }
        columns += [TableColumn("selected", width: .min(8), alignRight: true), TableColumn("oracle", width: .min(7), alignRight: true)]
        let tableRows = state.session.evalRows.map { row -> [Line] in
            var cells = [Line("\(row.iteration)"), Line(Format.percent(row.direct))]
            cells += providerNames.indices.map { index in
                Line(Format.percent(row.providers.indices.contains(index) ? row.providers[index] : nil))
            }
            cells += [Line(Format.percent(row.selected), style: Style(.chosen)), Line(Format.percent(row.oracle), style: Style(.muted))]
            return cells
        }
        if tableRows.isEmpty {
            buffer.write("no evaluation yet: e evaluates on the test split", x: inner.x, y: inner.y, style: Style(.muted),
                         maxWidth: inner.width)
        } else {
            buffer.render(Table(columns: columns, rows: tableRows), in: inner)
        }

        let agreementBlock = Block(title: "Auto/human label agreement")
        buffer.render(agreementBlock, in: rows[1])
        let lower = agreementBlock.inner(rows[1])
        let agreement = Agreement(state.session.prompts)
        let counts = Dictionary(grouping: state.session.prompts, by: LabelStatus.init).mapValues(\.count)
        var lines: [Line] = [
            Line([Span("agreement ", style: Style(.muted)), Span(Format.percent(agreement.fraction), style: Style(.title, .bold)),
                  Span("  \(agreement.agreed) of \(agreement.compared) human decisions kept the auto pair as it was",
                       style: Style(.muted))]),
        ]
        for status in LabelStatus.allCases {
            lines.append(Line([Span(status.glyph + " ", style: Style(CompareView.glyphRole(status))),
                               Span("\(counts[status] ?? 0) ", style: Style(.title)), Span(status.meaning, style: Style(.muted))]))
        }
        for (row, line) in lines.enumerated() where row < lower.height {
            buffer.write(line, x: lower.x, y: lower.y + row, maxWidth: lower.width)
        }
    }
}
