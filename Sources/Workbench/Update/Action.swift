import TUIKit

/// Everything that changes the state. Keys become actions through `KeyRouter`; the runner
/// turns backend results and job events into actions too.
public enum Action: Hashable, Sendable {
    case command(Command)
    /// The first keys of a longer binding (`r` of `r 1`) were pressed.
    case pendingKeys([Key])
    /// A key that means nothing here.
    case unboundKey(Key)
    /// A key for the open text field (typing, cursor movement).
    case inputKey(Key)
    case inputSubmit
    case inputCancel
    /// Up/Down in a list overlay (palette, help).
    case inputMove(Int)
    /// A left click at a screen cell (mouse support is optional in the terminal).
    case click(Point)
    case resized(Size)
    case sessionLoaded(SessionSnapshot)
    case renderedPromptsLoaded(promptID: Int64, provider: Int, [RenderedPrompt])
    /// The gold answer's scored token texts of a prompt (`WorkbenchBackend.answerTokens`).
    case answerTokensLoaded(promptID: Int64, [String])
    case jobEvent(JobEvent)
    /// A backend call failed; the message names what failed.
    case failed(String)
    case themeApplied(name: String)
    /// Another writer (a second workbench, `collate label`, `collate pairs`) changed labels:
    /// every prompt's labels as the store holds them now.
    case labelsRefreshed([Int64: PromptLabels])
    /// Rationales, scores and eval rows other writers stored (the poll's second question).
    case storedRowsRefreshed(StoredRowsRefresh)
    /// A label write was refused because another writer's label stands where this window
    /// expected what it last saw or wrote; `current` is that label (nil: none in force).
    case labelConflict(promptID: Int64, current: PairLabel?, kind: LabelWriteKind)
    /// Training finished every provider's adapter of the round shown: `session` is the next
    /// round's (number `session.iteration`).
    case roundAdvanced(SessionSnapshot)
    /// Time passed with nothing else to do (the idle poll): lets an old message go.
    case tick
}

/// Why a label is written: a new decision, or a step through this window's history. The
/// store refuses a history step unless the label in force is the one this window wrote.
public enum LabelWriteKind: Hashable, Sendable {
    case new, undo, redo
}

/// What `update` asks the runner to do: everything that touches the world.
public enum Effect: Hashable, Sendable {
    /// Write (or with nil, withdraw) a prompt's human label in the session store, now.
    case writeLabel(promptID: Int64, PairLabel?, kind: LabelWriteKind = .new)
    case job(JobCommand)
    case loadRenderedPrompts(promptID: Int64, provider: Int)
    case switchTheme(String)
    case quit
}

/// Turns terminal events into actions, using the keymap unless a text field is open.
public enum KeyRouter {
    public static func actions(for event: Event, state: WorkbenchState) -> [Action] {
        if case .mouse(let mouse) = event {
            guard state.input == nil else { return [] }
            switch mouse.kind {
            case .press(button: 1): return [.click(mouse.position)]
            case .scrollDown: return [.command(.scrollDown)]
            case .scrollUp: return [.command(.scrollUp)]
            default: return []
            }
        }
        guard case .key(let key) = event else { return [] }
        if key == .resize { return [] }  // the runner reads the new size and sends `.resized`
        if state.input != nil {
            switch key {
            case .enter: return [.inputSubmit]
            case .escape: return [.inputCancel]
            case .up: return [.inputMove(-1)]
            case .down: return [.inputMove(1)]
            // A page of the help or the palette (a text field has no pages).
            case .pageUp: return [.inputMove(-max(1, state.size.height - 8))]
            case .pageDown: return [.inputMove(max(1, state.size.height - 8))]
            default: return [.inputKey(key)]
            }
        }
        switch state.keymap.lookup(state.pendingKeys + [key], on: state.screen) {
        case .command(let command): return [.command(command)]
        case .pending(let keys): return [.pendingKeys(keys)]
        case .unbound: return [.unboundKey(key)]
        }
    }
}
