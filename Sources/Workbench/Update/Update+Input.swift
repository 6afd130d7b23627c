import Collate  // TaskExample.maxFieldBytes
import Foundation  // Date
import TUIKit

/// The palette's rows for a filter text: bindable commands and themes whose name or
/// summary contains the text (case-insensitive), commands first.
public enum Palette {
    public static func entries(filter: String, themeNames: [String]) -> [Command] {
        let needle = filter.lowercased().trimmingCharacters(in: .whitespaces)
        let all = Command.bindable + themeNames.map(Command.theme)
        guard !needle.isEmpty else { return all }
        return all.filter { $0.name.contains(needle) || $0.summary.lowercased().contains(needle) }
    }

    /// "train 50": train with a step count given in the palette.
    static func trainSteps(_ text: String) -> Int? {
        let words = text.split(separator: " ")
        guard words.count == 2, words[0] == "train", let steps = Int(words[1]), steps > 0 else { return nil }
        return steps
    }
}

/// Search: the prompts whose instruction, gold answer, id or any rationale contain the text
/// (case-insensitive), as indices into the session's prompts. Each field is searched in its
/// first `fieldLimit` bytes, what import lets a field hold: a store written before that bound
/// may hold a field of megabytes, which is not lowercased whole on every key.
public enum PromptSearch {
    public static let fieldLimit = TaskExample.maxFieldBytes

    public static func matches(_ text: String, in prompts: [PromptItem]) -> [Int] {
        let needle = text.lowercased()
        guard !needle.isEmpty else { return [] }
        return prompts.indices.filter { index in
            let prompt = prompts[index]
            return contains(prompt.instruction, needle) || contains(prompt.goldAnswer, needle)
                || String(prompt.id) == needle
                || prompt.answers.contains { contains($0.rationale, needle) }
        }
    }

    /// Whether the field's first `fieldLimit` bytes, lowercased, contain `needle`.
    static func contains(_ field: String, _ needle: String) -> Bool {
        let bounded = field.utf8.count <= fieldLimit ? field : String(decoding: field.utf8.prefix(fieldLimit), as: UTF8.self)
        return bounded.lowercased().contains(needle)
    }
}

extension Workbench {
    static func updateInput(_ state: inout WorkbenchState, _ action: Action, now: Date) -> [Effect] {
        guard var input = state.input else { return [] }
        switch action {
        case .inputKey(let key):
            input.field.handle(key)
            input.selection = 0
            state.input = input
            if case .search = input.kind { jumpToMatch(&state, text: input.field.text, step: 0) }
        case .inputMove(let step):
            if case .search = input.kind {
                jumpToMatch(&state, text: input.field.text, step: step)
            } else {
                // The palette's highlighted row, or the help's first shown row.
                let count: Int
                switch input.kind {
                case .palette: count = Palette.entries(filter: input.field.text, themeNames: state.themeNames).count
                case .help: count = state.keymap.helpRows(for: state.screen, filter: input.field.text).count
                default: count = 0
                }
                input.selection = min(max(0, input.selection + step), max(0, count - 1))
                state.input = input
            }
        case .inputCancel:
            if case .search(let start) = input.kind { state.selectedPrompt = start }
            state.input = nil
        case .inputSubmit:
            state.input = nil
            return submit(input, &state, now: now)
        default:
            break
        }
        return []
    }

    /// Moves the selection to the first match at or after the search's start (step 0), or
    /// to the next / previous match from the current prompt (step +1 / -1), wrapping.
    static func jumpToMatch(_ state: inout WorkbenchState, text: String, step: Int) {
        let matches = PromptSearch.matches(text, in: state.session.prompts)
        guard !matches.isEmpty else {
            if !text.isEmpty { state.message = StatusMessage(text: "no prompt matches \"\(text)\"", isError: false) }
            return
        }
        var origin = state.selectedPrompt
        if step == 0, case .search(let start)? = state.input?.kind { origin = start }
        let target: Int
        switch step {
        case 0: target = matches.first { $0 >= origin } ?? matches[0]
        case 1...: target = matches.first { $0 > origin } ?? matches[0]
        default: target = matches.last { $0 < origin } ?? matches[matches.count - 1]
        }
        select(target, &state)
        let position = (matches.firstIndex(of: target) ?? 0) + 1
        state.message = StatusMessage(text: "match \(position) of \(matches.count)"
                                      + (step == 0 ? "" : " for \"\(text)\" (] next, [ previous)"), isError: false)
    }

    static func submit(_ input: InputState, _ state: inout WorkbenchState, now: Date) -> [Effect] {
        let text = input.field.text
        switch input.kind {
        case .search:
            state.lastSearch = text.isEmpty ? nil : text
            return []
        case .help:
            return []
        case .palette:
            if let id = Int64(text.trimmingCharacters(in: .whitespaces)) {
                goToPrompt(id: id, &state)
                return []
            }
            if let steps = Palette.trainSteps(text) {
                state.trainSteps = steps
                return run(.train, &state, now: now)
            }
            let entries = Palette.entries(filter: text, themeNames: state.themeNames)
            guard !entries.isEmpty else {
                state.message = StatusMessage(text: "no command matches \"\(text)\"", isError: false)
                return []
            }
            return run(entries[min(input.selection, entries.count - 1)], &state, now: now)
        case .writeRationale(let promptID):
            let rationale = text.trimmingCharacters(in: .whitespaces)
            guard !rationale.isEmpty else {
                state.message = StatusMessage(text: "empty rationale: nothing written", isError: false)
                return []
            }
            guard let prompt = state.session.prompts.first(where: { $0.id == promptID }) else { return [] }
            var label = LabelRules.writing(rationale, in: prompt)
            label.note = prompt.humanLabel?.note
            label.time = now
            return record(label, for: prompt, &state)
        case .note(let promptID):
            guard let prompt = state.session.prompts.first(where: { $0.id == promptID }),
                  var label = prompt.humanLabel else { return [] }
            let note = text.trimmingCharacters(in: .whitespaces)
            label.note = note.isEmpty ? nil : note
            label.time = now
            return record(label, for: prompt, &state)
        }
    }
}
