extension Workbench {
    /// Rationales, scores and eval rows another writer stored, merged into what is shown.
    /// Only those change: the selected prompt, column and scroll, an open text field (a
    /// rationale or note being typed), the labels and the undo history stay as they are. A
    /// rationale this window's own job is still streaming (not stored yet) stays too. When
    /// the inspected prompt changed, its rendered prompts are loaded again (they hold the
    /// rationale).
    static func refreshStoredRows(_ refresh: StoredRowsRefresh, _ state: inout WorkbenchState) -> [Effect] {
        var changed = 0
        var effects: [Effect] = []
        for stored in refresh.prompts {
            guard let index = state.session.prompts.firstIndex(where: { $0.id == stored.id }) else { continue }
            var prompt = state.session.prompts[index]
            let storedProviders = Set(stored.answers.map(\.provider))
            prompt.answers = (stored.answers + prompt.answers.filter { !storedProviders.contains($0.provider) })
                .sorted { $0.provider < $1.provider }
            prompt.baselineScore = stored.baselineScore
            guard prompt != state.session.prompts[index] else { continue }
            state.session.prompts[index] = prompt
            changed += 1
            if let inspect = state.inspect, inspect.promptID == prompt.id {
                effects.append(.loadRenderedPrompts(promptID: prompt.id, provider: inspect.provider))
            }
        }
        var evalChanged = false
        if let rows = refresh.evalRows, rows != state.session.evalRows {
            state.session.evalRows = rows
            evalChanged = true
        }
        // This window's own generate or score job reports its rows itself; say nothing then.
        let ownJob = [JobKind.generate, .score, .eval].contains { state.jobs[$0]?.isActive == true }
        guard !ownJob, changed > 0 || evalChanged, state.input == nil else { return effects }
        var parts: [String] = []
        if changed > 0 { parts.append("rationales or scores of " + (changed == 1 ? "1 prompt" : "\(changed) prompts")) }
        if evalChanged { parts.append("eval rows") }
        state.message = StatusMessage(text: "another writer stored " + parts.joined(separator: " and ") + ": shown",
                                      isError: false)
        return effects
    }
}
