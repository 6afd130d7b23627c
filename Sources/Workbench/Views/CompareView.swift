import TUIKit

/// The home screen: the prompt list on the left; on the right the instruction and gold
/// answer over one column per provider (header with scores and labels, then the wrapped,
/// scrollable rationale, optionally with the words that differ highlighted).
enum CompareView {
    static func render(_ state: WorkbenchState, in area: Rect, buffer: inout Buffer) {
        let prompt = state.currentPrompt
        let columns = prompt.map { state.columns(of: $0) } ?? []
        let own = prompt.flatMap(ownRationale)
        let layout = CompareLayout(size: state.size, prompt: prompt, columnCount: columns.count + (own == nil ? 0 : 1))
        renderPromptList(state, in: layout.list, buffer: &buffer)
        guard let prompt else {
            buffer.write(" No prompts in this session yet: g generates rationales.", x: layout.header.x,
                         y: layout.header.y + 1, style: Style(.muted), maxWidth: layout.header.width)
            return
        }
        renderPromptHeader(state, prompt: prompt, lines: layout.instructionLines, in: layout.header, buffer: &buffer)
        guard !columns.isEmpty else {
            buffer.write(noRationalesNotice(state, prompt: prompt), x: layout.header.x, y: layout.header.maxY,
                         style: Style(.muted), maxWidth: layout.header.width)
            return
        }
        for (index, answer) in columns.enumerated() {
            let partner: String? = state.showsDiff && columns.count > 1
                ? columns[index == state.focusedColumn ? (index + 1) % columns.count : state.focusedColumn].rationale
                : nil
            renderColumn(state, prompt: prompt, answer: answer, index: index, diffPartner: partner,
                         in: layout.columns[index], buffer: &buffer)
        }
        if let own, let area = layout.columns.last, layout.columns.count > columns.count {
            renderOwnRationale(state, own, in: area, buffer: &buffer)
        }
    }

    /// The rationale the operator wrote (`w`) for the prompt's human label, if any.
    static func ownRationale(_ prompt: PromptItem) -> String? { prompt.humanLabel?.chosenRationale }

    /// The operator's own rationale, after the providers' columns: marked as theirs, not a
    /// provider (digits do not pick it; `w` edits it).
    static func renderOwnRationale(_ state: WorkbenchState, _ text: String, in area: Rect, buffer: inout Buffer) {
        let block = Block(title: Line("yours", style: Style(.chosen, .bold)), borderStyle: Style(.border))
        buffer.render(block, in: area)
        let inner = block.inner(area)
        guard inner.height > 3 else { return }
        buffer.write(Line("written by you · w edits", style: Style(.muted)), x: inner.x, y: inner.y, maxWidth: inner.width)
        let trains = state.currentPrompt?.humanLabel?.action.trains ?? false
        buffer.write(Line([Span("CHOSEN", style: Style(trains ? .chosen : .muted, .bold)),
                           Span(" human" + (trains ? "" : " (not trained)"), style: Style(.muted))]),
                     x: inner.x, y: inner.y + 2, maxWidth: inner.width)
        let textArea = CompareLayout.textArea(of: area)
        let lines = state.wrapCache.lines(for: text, width: textArea.width, diffPartner: nil, style: .normal,
                                          changedStyle: .normal)
        let scroll = min(state.rationaleScroll, max(0, lines.count - textArea.height))
        for (row, line) in lines.dropFirst(scroll).prefix(textArea.height).enumerated() {
            var x = textArea.x
            for item in line {
                x += buffer.put(item.grapheme, width: item.width, x: x, y: textArea.y + row, style: item.style,
                                limit: textArea.maxX)
            }
        }
    }

    /// What stands where a prompt's columns will be: `g` writes training rationales only
    /// (eval writes the validation and test prompts'), and is not asked for while it runs.
    static func noRationalesNotice(_ state: WorkbenchState, prompt: PromptItem) -> String {
        if prompt.split != .train {
            return " No rationales yet: e (eval) writes them for \(prompt.split.rawValue) prompts."
        }
        if state.jobs[.generate]?.isActive == true { return " Generating: the rationales appear here as they are written." }
        return " No rationales yet: g generates them."
    }

    static func renderPromptList(_ state: WorkbenchState, in area: Rect, buffer: inout Buffer) {
        let prompts = state.session.prompts
        let listed = state.listedPrompts
        let row = listed.firstIndex(of: state.selectedPrompt) ?? 0
        let title = state.listFilter.map { "Prompts \($0.glyph) \(listed.isEmpty ? 0 : row + 1)/\(listed.count) of \(prompts.count)" }
            ?? "Prompts \(prompts.isEmpty ? 0 : state.selectedPrompt + 1)/\(prompts.count)"
        let block = Block(title: title)
        buffer.render(block, in: area)
        let inner = block.inner(area)
        guard !inner.isEmpty else { return }
        // Build only the rows that are visible: a session may hold thousands of prompts.
        let first = ListView.offset(selected: row, previous: state.listOffset,
                                    count: listed.count, height: inner.height)
        let needle = highlightedSearch(state)
        let items = listed.dropFirst(first).prefix(inner.height).map { index -> Line in
            let prompt = prompts[index]
            let status = shownStatus(prompt, state)
            let firstLine = String(prompt.instruction.prefix { !$0.isNewline }.prefix(inner.width))
            return Line([Span(status.glyph + " ", style: Style(glyphRole(status))), Span("\(prompt.id) ", style: Style(.muted))]
                        + SearchHighlight.spans(firstLine, needle: needle, base: .normal, match: Style(.accent, .bold)))
        }
        buffer.render(ListView(items, selected: row - first, marker: ""), in: inner)
    }

    /// The text to highlight: what is being typed after `/`, else the last confirmed search.
    static func highlightedSearch(_ state: WorkbenchState) -> String? {
        if let input = state.input, case .search = input.kind { return input.field.text }
        return state.lastSearch
    }

    static func glyphRole(_ status: LabelStatus) -> StyleRole {
        switch status {
        case .unlabelled: .muted
        case .auto: .accent
        case .human, .humanOnly: .chosen
        case .filtered: .rejected
        case .disagreement: .warning
        }
    }

    static func renderPromptHeader(_ state: WorkbenchState, prompt: PromptItem, lines: [String], in area: Rect,
                                   buffer: inout Buffer) {
        let block = Block(title: "Prompt \(prompt.id) · \(prompt.split.rawValue)")
        buffer.render(block, in: area)
        let inner = block.inner(area)
        let needle = highlightedSearch(state)
        for (row, line) in lines.enumerated() where row < inner.height {
            _ = buffer.write(Line(SearchHighlight.spans(line, needle: needle, base: .normal, match: Style(.accent, .bold))),
                             x: inner.x, y: inner.y + row, maxWidth: inner.width)
        }
        guard inner.height > lines.count else { return }
        var spans = [Span("gold ", style: Style(.muted)), Span(prompt.goldAnswer, style: Style(.title, .bold))]
        if !state.blind { spans += [Span("   l_0 ", style: Style(.muted)), Span(Format.score(prompt.baselineScore))] }
        if let label = shownLabel(prompt, state) {
            spans.append(Span("   " + (prompt.humanLabel != nil ? "human: " : "auto: "), style: Style(.muted)))
            let role: StyleRole = label.action.trains ? .chosen : .rejected
            spans.append(Span(Workbench.describe(label, in: state), style: Style(role)))
            if label.action == .filtered { spans.append(Span(" (filtered)", style: Style(.rejected))) }
            if let note = prompt.humanLabel?.note { spans.append(Span("  note: " + note, style: Style(.muted))) }
        }
        if state.showsDiff { spans.append(Span("   diff", style: Style(.accent))) }
        if state.blind { spans.append(Span("   blind", style: Style(.accent))) }
        buffer.write(Line(spans), x: inner.x, y: inner.y + lines.count, maxWidth: inner.width)
    }

    static func renderColumn(_ state: WorkbenchState, prompt: PromptItem, answer: ProviderAnswer, index: Int,
                             diffPartner: String?, in area: Rect, buffer: inout Buffer) {
        let focused = index == state.focusedColumn
        let name = "\(index + 1) " + state.columnName(answer, at: index)
        let block = Block(title: Line(name, style: Style(focused ? .accent : .title, .bold)),
                          borderStyle: Style(focused ? .accent : .border))
        buffer.render(block, in: area)
        let inner = block.inner(area)
        guard inner.height > 3 else { return }
        if state.blind {
            // Scores, Δ and M_IFT's answer (right or wrong) would give the automatic choice away.
            buffer.write(Line("scores hidden (blind)", style: Style(.muted)), x: inner.x, y: inner.y, maxWidth: inner.width)
        } else {
            let delta = answer.score.flatMap { score in prompt.baselineScore.map { score - $0 } }
            buffer.write(Line([Span("l ", style: Style(.muted)), Span(Format.score(answer.score)),
                               Span(" Δ", style: Style(.muted)),
                               Span(Format.signed(delta), style: Style(delta.map { $0 > 0 ? .success : .rejected } ?? .muted))]),
                         x: inner.x, y: inner.y, maxWidth: inner.width)
            var answerSpans = [Span("ans ", style: Style(.muted)), Span(answer.predictedAnswer ?? "-")]
            if let correct = answer.correct {
                answerSpans.append(correct ? Span(" ✓ right", style: Style(.success)) : Span(" ✗ wrong", style: Style(.rejected)))
            }
            buffer.write(Line(answerSpans), x: inner.x, y: inner.y + 1, maxWidth: inner.width)
        }
        buffer.write(labelLine(prompt, provider: answer.provider, label: shownLabel(prompt, state)),
                     x: inner.x, y: inner.y + 2, maxWidth: inner.width)
        let textArea = CompareLayout.textArea(of: area)
        let lines = state.wrapCache.lines(for: answer.rationale, width: textArea.width, diffPartner: diffPartner,
                                          style: .normal, changedStyle: Style(.warning, .underline))
        let scroll = min(state.rationaleScroll, max(0, lines.count - textArea.height))
        for (row, line) in lines.dropFirst(scroll).prefix(textArea.height).enumerated() {
            var x = textArea.x
            for item in line {
                x += buffer.put(item.grapheme, width: item.width, x: x, y: textArea.y + row, style: item.style,
                                limit: textArea.maxX)
            }
        }
        if lines.count > textArea.height {
            let marker = "\(scroll + 1)-\(min(lines.count, scroll + textArea.height))/\(lines.count)"
            buffer.write(marker, x: area.maxX - 1 - marker.displayWidth, y: area.maxY - 1, style: Style(.muted))
        }
    }

    /// The label the screen shows: the effective one, or in blind mode the human one alone
    /// (the auto label is the automatic choice blind mode hides).
    static func shownLabel(_ prompt: PromptItem, _ state: WorkbenchState) -> PairLabel? {
        state.blind ? prompt.humanLabel : prompt.effectiveLabel
    }

    /// The list glyph: the label state, or in blind mode only whether a person labelled it.
    static func shownStatus(_ prompt: PromptItem, _ state: WorkbenchState) -> LabelStatus {
        guard state.blind else { return LabelStatus(prompt) }
        return prompt.humanLabel == nil ? .unlabelled : .humanOnly
    }

    /// "CHOSEN human", "REJECTED auto", or nothing, from `label` (the one shown).
    static func labelLine(_ prompt: PromptItem, provider: Int, label: PairLabel?) -> Line {
        guard let label else { return Line("unlabelled", style: Style(.muted)) }
        let source = prompt.humanLabel != nil ? "human" : "auto"
        let trains = label.action.trains
        if label.chosenProvider == provider, label.chosenRationale == nil {
            return Line([Span("CHOSEN", style: Style(trains ? .chosen : .muted, .bold)),
                         Span(" " + source + (trains ? "" : " (not trained)"), style: Style(.muted))])
        }
        if label.rejectedProvider == provider {
            return Line([Span("REJECTED", style: Style(trains ? .rejected : .muted, .bold)),
                         Span(" " + source + (trains ? "" : " (not trained)"), style: Style(.muted))])
        }
        return Line("")
    }
}
