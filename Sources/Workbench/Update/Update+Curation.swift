import TUIKit

/// Moving through thousands of prompts: the list as filtered, its ends, search matches.
extension Workbench {
    static func navigate(_ command: Command, _ state: inout WorkbenchState) {
        guard !state.session.prompts.isEmpty else { return }
        let listed = state.listedPrompts
        let current = state.selectedPrompt
        switch command {
        case .moveDown:
            select(listed.first { $0 > current } ?? current, &state)
        case .moveUp:
            select(listed.last { $0 < current } ?? current, &state)
        case .firstPrompt:
            select(listed.first ?? current, &state)
        case .lastPrompt:
            select(listed.last ?? current, &state)
        case .nextMatch, .previousMatch:
            guard let text = state.lastSearch else {
                state.message = StatusMessage(text: "no search yet: / searches prompts and rationales", isError: false)
                return
            }
            jumpToMatch(&state, text: text, step: command == .nextMatch ? 1 : -1)
        case .cycleFilter:
            cycleFilter(&state)
            clampCompareView(&state)
        default:
            break
        }
    }

    /// The next filter of the cycle that some prompt is in (after the last: all prompts),
    /// with the selection moved into it when it is not there already.
    static func cycleFilter(_ state: inout WorkbenchState) {
        let cycle = WorkbenchState.filterCycle
        var position = state.listFilter.flatMap { cycle.firstIndex(of: $0) }.map { $0 + 1 } ?? 0
        while position < cycle.count, state.count(of: cycle[position]) == 0 { position += 1 }
        guard position < cycle.count else {
            state.listFilter = nil
            state.message = StatusMessage(text: "listing all \(state.session.prompts.count) prompts", isError: false)
            return
        }
        let status = cycle[position]
        state.listFilter = status
        let count = state.count(of: status)
        state.message = StatusMessage(text: "listing \(status.glyph) \(status.meaning): \(count) of "
                                      + "\(state.session.prompts.count) prompts (f: next filter)", isError: false)
        let prompts = state.session.prompts
        if LabelStatus(prompts[state.selectedPrompt]) != status {
            let inFilter = prompts.indices.filter { LabelStatus(prompts[$0]) == status }
            select(inFilter.first { $0 >= state.selectedPrompt } ?? inFilter[0], &state)
        }
    }

    /// Goes to the prompt with this id (the palette's `:123`).
    static func goToPrompt(id: Int64, _ state: inout WorkbenchState) {
        guard let index = state.session.prompts.firstIndex(where: { $0.id == id }) else {
            state.message = StatusMessage(text: "no prompt \(id) in this session", isError: false)
            return
        }
        select(index, &state)
    }

    /// Inspect the rationale of the column `step` to the right (wrapping), as Enter there would.
    static func inspectNeighbour(_ step: Int, _ state: inout WorkbenchState) -> [Effect] {
        guard let prompt = state.currentPrompt, let inspect = state.inspect else { return [] }
        let columns = state.columns(of: prompt)
        guard let column = columns.firstIndex(where: { $0.provider == inspect.provider }), columns.count > 1 else { return [] }
        let next = (column + step + columns.count) % columns.count
        state.focusedColumn = next
        let provider = columns[next].provider
        state.inspect = InspectState(promptID: prompt.id, provider: provider, renderedPrompts: [], scroll: 0)
        return [.loadRenderedPrompts(promptID: prompt.id, provider: provider)]
    }

    static func select(_ index: Int, _ state: inout WorkbenchState) {
        guard index != state.selectedPrompt else { return }
        state.selectedPrompt = index
        state.rationaleScroll = 0
        clampFocus(&state)
        clampCompareView(&state)
    }
}

extension Workbench {
    /// A stage left half-done in the round on screen, said on opening: "generate 1490/3500:
    /// g resumes" (training prompts with every rationale), else "score 200/1490: s resumes"
    /// (of those, the ones scored). Nil when nothing is half-done.
    public static func resumeHint(_ session: SessionSnapshot) -> String? {
        let train = session.prompts.filter { $0.split == .train }
        let candidates = max(1, session.providers.count)
        let written = train.filter { $0.answers.count >= candidates }.count
        let started = train.filter { !$0.answers.isEmpty }.count
        if started > 0, written < train.count {
            return "round \(session.iteration): generate \(written)/\(train.count) prompts done: g resumes"
        }
        let withRationales = train.filter { !$0.answers.isEmpty }
        let scored = withRationales.filter { $0.answers.allSatisfy { $0.score != nil } }.count
        if scored > 0, scored < withRationales.count {
            return "round \(session.iteration): score \(scored)/\(withRationales.count) prompts done: s resumes"
        }
        return nil
    }
}
