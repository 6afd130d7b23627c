import Foundation  // exp, String(format:)
import TUIKit

/// One rationale in full; the gold answer's per-token log-probs under [I;R] -> A as a
/// heat-coloured row and as a table; the prompt as each mode's template renders it.
enum InspectView {
    static func render(_ state: WorkbenchState, in area: Rect, buffer: inout Buffer) {
        guard let inspect = state.inspect,
              let prompt = state.session.prompts.first(where: { $0.id == inspect.promptID }),
              let answer = prompt.answer(ofProvider: inspect.provider) else {
            buffer.write(" Nothing to inspect: Esc goes back.", x: area.x, y: area.y, style: Style(.muted), maxWidth: area.width)
            return
        }
        let column = state.columns(of: prompt).firstIndex { $0.provider == answer.provider } ?? 0
        let rows = Self.rows(area)
        let title = "Rationale · prompt \(prompt.id) · \(state.columnName(answer, at: column)) · l \(Format.score(answer.score))"
        let rationaleBlock = Block(title: title)
        buffer.render(rationaleBlock, in: rows[0])
        buffer.render(Paragraph(answer.rationale, scroll: inspect.scroll), in: rationaleBlock.inner(rows[0]))

        let tokens = tokenRows(prompt: prompt, answer: answer)
        let heatBlock = Block(title: "Gold answer log-probs (cold = unlikely, hot = likely)")
        buffer.render(heatBlock, in: rows[1])
        renderHeatRow(tokens, in: heatBlock.inner(rows[1]), buffer: &buffer)

        let bottom = Layout.horizontal([.fixed(min(34, area.width / 3)), .min(20)]).split(rows[2])
        let tableBlock = Block(title: "Tokens")
        buffer.render(tableBlock, in: bottom[0])
        let table = Table(columns: [TableColumn("token", width: .min(6)), TableColumn("log p", width: .fixed(8), alignRight: true),
                                    TableColumn("p", width: .fixed(6), alignRight: true)],
                          rows: tokens.map { [Line($0.text), Line(String(format: "%.3f", $0.logProb)),
                                              Line(String(format: "%.3f", exp($0.logProb)), style: Style(.heat(heatLevel($0.logProb))))] })
        buffer.render(table, in: tableBlock.inner(bottom[0]))

        let promptBlock = Block(title: "Rendered prompts (j/k scroll, h/l other columns)")
        buffer.render(promptBlock, in: bottom[1])
        // Each hard line takes a display line at least: the hard lines up to the area's bottom
        // are all the paragraph can show (a prompt of megabytes is not split whole each frame).
        let promptArea = promptBlock.inner(bottom[1])
        let needed = max(0, inspect.promptScroll) + promptArea.height + 1
        var lines: [Line] = []
        if inspect.renderedPrompts.isEmpty { lines.append(Line("(loading)", style: Style(.muted))) }
        for rendered in inspect.renderedPrompts where lines.count < needed {
            lines.append(Line(rendered.mode, style: Style(.accent, .bold)))
            lines += Line.firstHardLines(of: rendered.text, style: .normal, count: needed - lines.count)
        }
        buffer.render(Paragraph(lines, scroll: inspect.promptScroll), in: promptArea)
    }

    /// Rationale, heat row, then tokens table beside the rendered prompts.
    static func rows(_ area: Rect) -> [Rect] { Layout.vertical([.min(4), .fixed(3), .ratio(2, 5)]).split(area) }

    /// The furthest the rationale can scroll: its last line at the bottom of its box.
    static func maxScroll(_ state: WorkbenchState) -> Int {
        guard let inspect = state.inspect,
              let answer = state.session.prompts.first(where: { $0.id == inspect.promptID })?
                .answer(ofProvider: inspect.provider) else { return 0 }
        let box = rows(CompareLayout.body(state.size))[0].inset(by: 1)
        return Paragraph(answer.rationale).maxScroll(in: box)
    }

    struct TokenRow {
        var text: String
        var logProb: Double
    }

    /// Tokens with their log-probs; positions stand in when the token texts are unknown.
    static func tokenRows(prompt: PromptItem, answer: ProviderAnswer) -> [TokenRow] {
        answer.answerLogProbs.enumerated().map { index, logProb in
            let text = prompt.goldAnswerTokens.indices.contains(index) ? prompt.goldAnswerTokens[index] : "#\(index + 1)"
            return TokenRow(text: text.replacingOccurrences(of: "\n", with: "⏎"), logProb: Double(logProb))
        }
    }

    /// p = exp(log p) in 0...1 cut into the theme's heat levels.
    static func heatLevel(_ logProb: Double) -> Int {
        let probability = logProb.isFinite ? exp(logProb) : 0
        return min(StyleRole.heatLevels - 1, max(0, Int(probability * Double(StyleRole.heatLevels))))
    }

    static func renderHeatRow(_ tokens: [TokenRow], in area: Rect, buffer: inout Buffer) {
        guard !area.isEmpty else { return }
        guard !tokens.isEmpty else {
            buffer.write("not scored yet: s scores", x: area.x, y: area.y, style: Style(.muted), maxWidth: area.width)
            return
        }
        var x = area.x
        for token in tokens {
            let text = token.text.isEmpty || token.text == " " ? "·" : token.text
            x += buffer.write(text, x: x, y: area.y, style: Style(.heat(heatLevel(token.logProb))), maxWidth: area.maxX - x)
            guard x < area.maxX else { break }
            x += 1
        }
    }
}
