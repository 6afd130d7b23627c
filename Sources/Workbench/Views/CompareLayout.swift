import TUIKit

/// Where the parts of the Compare screen go for a terminal size. Shared by the view and
/// by `update` (which keeps the list offset and the rationale scroll within bounds).
struct CompareLayout {
    var list: Rect
    /// The instruction and gold answer box, and the instruction's wrapped lines that fit.
    var header: Rect
    var instructionLines: [String]
    var columns: [Rect]

    /// How many lines past the question's room are wrapped to say how many are cut.
    static let countedLines = 100

    /// The rows between the title bar and the status line.
    static func body(_ size: Size) -> Rect { Rect(x: 0, y: 1, width: size.width, height: size.height - 2) }

    init(size: Size, prompt: PromptItem?, columnCount: Int) {
        let area = Self.body(size)
        let listWidth = max(22, area.width / 5)
        let halves = Layout.horizontal([.fixed(listWidth), .min(20)]).split(area)
        list = halves[0]
        guard let prompt else {
            header = halves[1]
            instructionLines = []
            columns = []
            return
        }
        // The question grows to a third of the screen; past that its last line says how much
        // is cut and where it is whole (the inspector shows the prompt of every mode).
        let width = max(1, halves[1].width - 2)
        // Wrapped only so far: the lines shown and up to `countedLines` more to count (a
        // question of megabytes from an old store costs what its first screen costs).
        let room = max(2, area.height / 3)
        let (wrapped, complete) = WordWrap.wrapPrefix(prompt.instruction, width: width, limit: room + Self.countedLines)
        if wrapped.count > room {
            let marker = complete ? " … +\(wrapped.count - room + 1) lines (Enter shows all)"
                : " … over \(Self.countedLines) more lines (Enter shows all)"
            instructionLines = Array(wrapped.prefix(room - 1)) + [String(marker.suffix(width))]
        } else {
            instructionLines = wrapped
        }
        let parts = Layout.vertical([.fixed(instructionLines.count + 3), .min(6)]).split(halves[1])
        header = parts[0]
        columns = columnCount == 0 ? [] : Layout.horizontal(Array(repeating: .min(10), count: columnCount)).split(parts[1])
    }

    /// Rows of the prompt list inside its border.
    var listRows: Int { max(0, list.height - 2) }

    /// The rationale's rows of a column: inside the border, under the three header rows.
    static func textArea(of column: Rect) -> Rect {
        let inner = column.inset(by: 1)
        return Rect(x: inner.x, y: inner.y + 3, width: inner.width, height: max(0, inner.height - 3))
    }
}

extension Workbench {
    /// Keeps the list offset moving as little as possible to show the selection, and the
    /// rationale scroll no further than the longest column's last line.
    static func clampCompareView(_ state: inout WorkbenchState) {
        let prompt = state.currentPrompt
        let columns = prompt.map { state.columns(of: $0) } ?? []
        let own = prompt.flatMap(CompareView.ownRationale) != nil ? 1 : 0
        let layout = CompareLayout(size: state.size, prompt: prompt, columnCount: columns.count + own)
        let listed = state.listedPrompts
        state.listOffset = ListView.offset(selected: listed.firstIndex(of: state.selectedPrompt) ?? 0,
                                           previous: state.listOffset, count: listed.count, height: layout.listRows)
        var longest = 0
        for (answer, rect) in zip(columns, layout.columns) {
            let text = CompareLayout.textArea(of: rect)
            guard text.width > 0 else { continue }
            let lines = WordWrap.wrap(Line.hardLines(of: answer.rationale, style: .normal), width: text.width).count
            longest = max(longest, lines - text.height)
        }
        state.rationaleScroll = min(state.rationaleScroll, max(0, longest))
    }
}

extension Workbench {
    /// On Compare, a click on a prompt row selects it and a click in a column focuses it.
    static func clicked(_ point: Point, _ state: inout WorkbenchState) {
        guard state.screen == .compare else { return }
        let prompt = state.currentPrompt
        let answers = prompt?.answers.count ?? 0
        let own = prompt.flatMap(CompareView.ownRationale) != nil ? 1 : 0
        let layout = CompareLayout(size: state.size, prompt: prompt, columnCount: answers + own)
        let listInner = layout.list.inset(by: 1)
        if listInner.contains(point) {
            let listed = state.listedPrompts
            let row = state.listOffset + point.y - listInner.y
            guard listed.indices.contains(row) else { return }
            select(listed[row], &state)
        } else if let column = layout.columns.firstIndex(where: { $0.contains(point) }), column < answers {
            // The providers' columns take the focus; your own rationale's column does not.
            state.focusedColumn = column
        }
    }
}
