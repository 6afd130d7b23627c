/// Everything a key, the command palette or a keys file can name. Names are the words used
/// in `keys.toml` and the palette ("move_down", "choose_3", "theme_light").
public enum Command: Hashable, Sendable {
    case moveDown, moveUp, columnLeft, columnRight, scrollDown, scrollUp
    /// The first / last prompt of the list (as filtered).
    case firstPrompt, lastPrompt
    /// The next / previous prompt matching the last search.
    case nextMatch, previousMatch
    /// The prompt list's filter: all, then each label state in turn (`LabelStatus`).
    case cycleFilter
    case inspect, back
    /// Pick the rationale of screen column n (1...9) as chosen / rejected. Columns are in
    /// provider order, or shuffled in blind mode (the key follows what is on screen).
    case choose(Int), reject(Int)
    case drop, keepFiltered, writeRationale, editNote, acceptAuto, undo, redo
    case generate, score, train, eval, pauseJob, stopJob
    case showCompare, showTrain, showEval
    case toggleDiff, toggleBlind
    case help, palette, search, quit
    /// Palette only: switch to a theme loaded from `themes/`.
    case theme(String)

    /// Every command that can be bound to keys, in help order.
    public static let bindable: [Command] =
        [.moveDown, .moveUp, .columnLeft, .columnRight, .scrollDown, .scrollUp,
         .firstPrompt, .lastPrompt, .nextMatch, .previousMatch, .cycleFilter, .inspect, .back]
        + (1...9).map(Command.choose) + (1...9).map(Command.reject)
        + [.drop, .keepFiltered, .writeRationale, .editNote, .acceptAuto, .undo, .redo,
           .generate, .score, .train, .eval, .pauseJob, .stopJob,
           .showCompare, .showTrain, .showEval, .toggleDiff, .toggleBlind,
           .help, .palette, .search, .quit]

    public var name: String {
        switch self {
        case .moveDown: "move_down"
        case .moveUp: "move_up"
        case .columnLeft: "column_left"
        case .columnRight: "column_right"
        case .scrollDown: "scroll_down"
        case .scrollUp: "scroll_up"
        case .firstPrompt: "first_prompt"
        case .lastPrompt: "last_prompt"
        case .nextMatch: "next_match"
        case .previousMatch: "previous_match"
        case .cycleFilter: "filter"
        case .inspect: "inspect"
        case .back: "back"
        case .choose(let n): "choose_\(n)"
        case .reject(let n): "reject_\(n)"
        case .drop: "drop"
        case .keepFiltered: "keep_filtered"
        case .writeRationale: "write_rationale"
        case .editNote: "note"
        case .acceptAuto: "accept_auto"
        case .undo: "undo"
        case .redo: "redo"
        case .generate: "generate"
        case .score: "score"
        case .train: "train"
        case .eval: "eval"
        case .pauseJob: "pause"
        case .stopJob: "stop"
        case .showCompare: "show_compare"
        case .showTrain: "show_train"
        case .showEval: "show_eval"
        case .toggleDiff: "toggle_diff"
        case .toggleBlind: "toggle_blind"
        case .help: "help"
        case .palette: "palette"
        case .search: "search"
        case .quit: "quit"
        case .theme(let name): "theme_\(name)"
        }
    }

    /// The bindable command with this name (themes are not bindable: they come and go).
    public init?(name: String) {
        guard let command = Command.bindable.first(where: { $0.name == name }) else { return nil }
        self = command
    }

    /// What the command does on `screen`, where the same keys mean something else there.
    public func summary(on screen: Screen) -> String {
        switch (self, screen) {
        case (.moveDown, .train): "scroll the log down (newer lines)"
        case (.moveUp, .train): "scroll the log back (older lines)"
        case (.scrollDown, .train): "scroll the log down a page"
        case (.scrollUp, .train): "scroll the log back a page"
        case (.moveDown, .inspect): "scroll the rendered prompts down"
        case (.moveUp, .inspect): "scroll the rendered prompts up"
        case (.columnLeft, .inspect): "inspect the column to the left"
        case (.columnRight, .inspect): "inspect the column to the right"
        case (.scrollDown, .inspect): "scroll the rationale down"
        case (.scrollUp, .inspect): "scroll the rationale up"
        default: summary
        }
    }

    public var summary: String {
        switch self {
        case .moveDown: "next prompt"
        case .moveUp: "previous prompt"
        case .columnLeft: "focus the column to the left"
        case .columnRight: "focus the column to the right"
        case .scrollDown: "scroll the rationales down"
        case .scrollUp: "scroll the rationales up"
        case .firstPrompt: "first prompt"
        case .lastPrompt: "last prompt"
        case .nextMatch: "next search match"
        case .previousMatch: "previous search match"
        case .cycleFilter: "list only · ○ ● ◆ ≠ ⊘ in turn, then all"
        case .inspect: "inspect the focused rationale"
        case .back: "back to Compare / cancel"
        case .choose(let n): "column \(n) is chosen"
        case .reject(let n): "column \(n) is rejected"
        case .drop: "drop the pair (do not train on it)"
        case .keepFiltered: "keep a filtered pair (K: k moves up)"
        case .writeRationale: "write your own rationale (becomes chosen)"
        case .editNote: "note on the human label"
        case .acceptAuto: "accept the auto label"
        case .undo: "undo the last label"
        case .redo: "redo"
        case .generate: "generate rationales"
        case .score: "score rationales"
        case .train: "train N DPO steps"
        case .eval: "evaluate"
        case .pauseJob: "pause / resume training"
        case .stopJob: "stop the running job (generate, score, train, eval)"
        case .showCompare: "Compare screen"
        case .showTrain: "Train screen"
        case .showEval: "Eval screen"
        case .toggleDiff: "word diff between columns"
        case .toggleBlind: "blind mode (names, scores, auto label hidden; shuffled)"
        case .help: "help"
        case .palette: "command palette"
        case .search: "search prompts"
        case .quit: "quit"
        case .theme(let name): "switch to the \(name) theme"
        }
    }
}
