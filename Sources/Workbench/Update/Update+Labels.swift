import Foundation  // Date

extension Workbench {
    /// Label commands: each makes a new human label for the current prompt, writes it at
    /// once (an effect) and records the change for undo. Repeating the label in force
    /// changes nothing and writes nothing.
    static func label(_ command: Command, _ state: inout WorkbenchState, now: Date) -> [Effect] {
        switch command {
        case .undo:
            guard let change = state.undoStack.popLast() else {
                state.message = StatusMessage(text: "nothing to undo", isError: false)
                return []
            }
            state.redoStack.append(change)
            let effects = setHumanLabel(change.before, promptID: change.promptID, &state, verb: "undone", kind: .undo)
            state.message = StatusMessage(text: "undone on prompt \(change.promptID): \(describe(change.after, in: state)) "
                                          + "(now: \(describe(change.before, in: state)))", isError: false)
            return effects
        case .redo:
            guard let change = state.redoStack.popLast() else {
                state.message = StatusMessage(text: "nothing to redo", isError: false)
                return []
            }
            state.undoStack.append(change)
            let effects = setHumanLabel(change.after, promptID: change.promptID, &state, verb: "redone", kind: .redo)
            state.message = StatusMessage(text: "redone on prompt \(change.promptID): \(describe(change.after, in: state))",
                                          isError: false)
            return effects
        default:
            break
        }
        guard let prompt = state.currentPrompt else { return [] }
        let columns = state.columns(of: prompt)
        func provider(atColumn n: Int) -> Int? {
            columns.indices.contains(n - 1) ? columns[n - 1].provider : nil
        }
        var newLabel: PairLabel?
        switch command {
        case .choose(let n):
            guard let chosen = provider(atColumn: n) else { return noColumn(n, &state) }
            newLabel = LabelRules.choosing(chosen, in: prompt)
        case .reject(let n):
            guard let rejected = provider(atColumn: n) else { return noColumn(n, &state) }
            newLabel = LabelRules.rejecting(rejected, in: prompt)
        case .drop:
            newLabel = LabelRules.dropping(prompt)
        case .keepFiltered:
            newLabel = LabelRules.keepingFiltered(prompt)
            if newLabel == nil {
                state.message = StatusMessage(text: "only a pair the filter dropped can be kept", isError: false)
                return []
            }
        case .acceptAuto:
            newLabel = LabelRules.acceptingAuto(prompt)
            if newLabel == nil {
                state.message = StatusMessage(text: "this prompt has no auto label yet", isError: false)
                return []
            }
        default:
            return []
        }
        guard var label = newLabel else { return [] }
        label.note = prompt.humanLabel?.note
        label.time = now
        return record(label, for: prompt, &state)
    }

    /// Makes `label` the prompt's human label, with an undo entry, unless it is already.
    static func record(_ label: PairLabel, for prompt: PromptItem, _ state: inout WorkbenchState) -> [Effect] {
        if let current = prompt.humanLabel, current.sameDecision(as: label), current.note == label.note {
            state.message = StatusMessage(text: "already labelled so", isError: false)
            return []
        }
        // A pair of word-for-word equal rationales has a zero DPO gradient: it teaches nothing.
        // Say so, and save only when the same label is asked for again at once.
        if label.action.trains, LabelRules.sidesAreIdentical(label, in: prompt) {
            if let pending = state.pendingIdenticalPair, pending.promptID == prompt.id, pending.label.sameDecision(as: label) {
                state.pendingIdenticalPair = nil
            } else {
                state.pendingIdenticalPair = (prompt.id, label)
                state.message = StatusMessage(text: "chosen and rejected are word for word the same rationale: the pair "
                                              + "teaches nothing (x drops it); the same key again saves it anyway", isError: false)
                return []
            }
        }
        state.undoStack.append(LabelChange(promptID: prompt.id, before: prompt.humanLabel, after: label))
        state.redoStack = []
        return setHumanLabel(label, promptID: prompt.id, &state, verb: "saved")
    }

    static func setHumanLabel(_ label: PairLabel?, promptID: Int64, _ state: inout WorkbenchState,
                              verb: String, kind: LabelWriteKind = .new) -> [Effect] {
        guard let index = state.session.prompts.firstIndex(where: { $0.id == promptID }) else { return [] }
        state.session.prompts[index].humanLabel = label
        state.message = StatusMessage(text: "label \(verb): " + describe(label, in: state), isError: false)
        return [.writeLabel(promptID: promptID, label, kind: kind)]
    }

    /// Another writer's labels, as the store holds them now. The undo history stays: a step
    /// on a prompt someone else relabelled is refused when it is tried (`labelConflict`).
    static func refreshLabels(_ labels: [Int64: PromptLabels], _ state: inout WorkbenchState) {
        var changed = 0
        for index in state.session.prompts.indices {
            let id = state.session.prompts[index].id
            let now = labels[id] ?? PromptLabels(auto: nil, human: nil)
            let prompt = state.session.prompts[index]
            guard prompt.autoLabel != now.auto || prompt.humanLabel != now.human else { continue }
            changed += 1
            state.session.prompts[index].autoLabel = now.auto
            state.session.prompts[index].humanLabel = now.human
        }
        guard changed > 0 else { return }
        state.message = StatusMessage(
            text: changed == 1 ? "a label was changed by another writer: shown" : "\(changed) labels were changed by another writer: shown",
            isError: false)
    }

    /// A write the store refused because another writer's label stands there: show that
    /// label, forget this window's history of the prompt (it no longer describes the store),
    /// and say what happened.
    static func labelConflict(promptID: Int64, current: PairLabel?, kind: LabelWriteKind,
                              _ state: inout WorkbenchState) {
        if let index = state.session.prompts.firstIndex(where: { $0.id == promptID }) {
            state.session.prompts[index].humanLabel = current
        }
        state.undoStack.removeAll { $0.promptID == promptID }
        state.redoStack.removeAll { $0.promptID == promptID }
        let theirs = current.map { describe($0, in: state) } ?? "no human label"
        let text = switch kind {
        case .new: "not saved: another writer labelled prompt \(promptID) meanwhile (\(theirs)); it is shown now, label again to overrule it"
        case .undo: "not undone: another writer labelled prompt \(promptID) since (\(theirs)); that label stays"
        case .redo: "not redone: another writer labelled prompt \(promptID) since (\(theirs)); that label stays"
        }
        state.message = StatusMessage(text: text, isError: true)
    }

    static func describe(_ label: PairLabel?, in state: WorkbenchState) -> String {
        guard let label else { return "back to the auto label" }
        func name(_ provider: Int?) -> String {
            guard let provider else { return "-" }
            if state.blind, let prompt = state.currentPrompt,
               let column = state.columns(of: prompt).firstIndex(where: { $0.provider == provider }) {
                return BlindOrder.letter(column)
            }
            return state.session.providers.indices.contains(provider - 1) ? state.session.providers[provider - 1] : "#\(provider)"
        }
        let chosen = label.chosenRationale != nil ? "your rationale" : name(label.chosenProvider)
        switch label.action {
        case .dropped: return "dropped"
        case .keptFiltered: return "kept filtered pair \(chosen) > \(name(label.rejectedProvider))"
        case .chosen, .filtered: return "\(chosen) > \(name(label.rejectedProvider))"
        }
    }

    static func noColumn(_ n: Int, _ state: inout WorkbenchState) -> [Effect] {
        state.message = StatusMessage(text: "there is no column \(n)", isError: false)
        return []
    }
}
