import Foundation  // Date
import Synchronization
import TUIKit

/// Job events waiting for the UI thread: workers append and wake the loop, the loop
/// drains them all at once (several tokens or metric steps become one frame).
final class JobInbox: Sendable {
    private let events = Mutex<[JobEvent]>([])

    func push(_ event: JobEvent) { events.withLock { $0.append(event) } }

    func drain() -> [JobEvent] {
        events.withLock { pending in
            defer { pending = [] }
            return pending
        }
    }
}

/// The runner: owns the terminal and the backend, feeds events through the keymap into
/// `Workbench.update`, carries out the effects, and presents each new frame (the terminal
/// draws only the diff). The UI thread blocks in `nextEvent` between events, so an idle
/// workbench sleeps in the kernel, waking once per `pollInterval` for a few indexed lookups
/// (has anyone written a label, a rationale, a score or an eval?); jobs wake it through the
/// terminal's waker.
public final class WorkbenchApp {
    public private(set) var state: WorkbenchState
    let backend: any WorkbenchBackend
    let terminal: any Terminal
    let themes: ThemeLibrary
    let clock: () -> Date
    let inbox = JobInbox()
    /// How often an idle workbench asks the store whether another writer stored something.
    let pollInterval: Duration

    /// Loads the session and applies the theme. `notices` (a bad keys file, a broken theme)
    /// are shown in the status line of the first frame.
    public init(backend: any WorkbenchBackend, terminal: any Terminal, keymap: Keymap = .standard,
                themes: ThemeLibrary = ThemeLibrary(), themeName: String = "dark", notices: [String] = [],
                clock: @escaping () -> Date = Date.init, pollInterval: Duration = .seconds(1)) throws {
        self.backend = backend
        self.pollInterval = pollInterval
        self.terminal = terminal
        self.themes = themes
        self.clock = clock
        let (theme, themeMessage) = themes.theme(named: themeName)
        terminal.setTheme(theme)
        state = WorkbenchState(session: try backend.loadSession(), keymap: keymap, size: terminal.size,
                               themeName: theme.name, themeNames: themes.names)
        state.metrics = try backend.trainingHistory()
        let allNotices = notices + (themeMessage.map { [$0] } ?? []) + themes.errors.map(\.description)
        if !allNotices.isEmpty {
            state.message = StatusMessage(text: allNotices.joined(separator: "; "), isError: true)
        } else if let hint = Workbench.resumeHint(state.session) {
            state.message = StatusMessage(text: hint, isError: false)
        }
    }

    /// Runs until quit (or, with a scripted terminal, until its events run out). Every
    /// `pollInterval` of idleness the store is asked for other writers' rows.
    public func run() throws {
        try present()
        while !state.shouldQuit {
            guard let event = try terminal.nextEvent(timeout: pollInterval) else {
                if terminal.isScripted { return }
                let expired = state.message?.hasExpired(at: clock()) == true
                if expired { dispatch(.tick) }
                if pollStore() || expired { try present() }
                continue
            }
            handle(event)
            try present()
        }
    }

    /// Shows labels, rationales, scores and eval rows other writers stored since the last
    /// look (a few cheap queries when there are none). Returns whether the state changed.
    @discardableResult
    public func pollStore() -> Bool {
        var changed = false
        do {
            if let labels = try backend.labelsChangedElsewhere() {
                dispatch(.labelsRefreshed(labels))
                changed = true
            }
            if let rows = try backend.storedRowsChangedElsewhere() {
                dispatch(.storedRowsRefreshed(rows))
                changed = true
            }
        } catch {
            dispatch(.failed("cannot read the session's store: \(error)"))
            return true
        }
        return changed
    }

    /// After a finished training: the next round once every provider has its adapter.
    func advanceRound() {
        do {
            guard try backend.advanceAfterTraining() != nil else { return }
            dispatch(.roundAdvanced(try backend.loadSession()))
        } catch {
            dispatch(.failed("cannot open the next round: \(error)"))
        }
    }

    /// A session that has no rationale yet (a first open) starts generating them, so that the
    /// providers are seen writing within seconds instead of behind a key nobody knows yet.
    /// Returns whether it started.
    @discardableResult
    public func generateWhenNothingIsWritten() -> Bool {
        guard !state.session.prompts.isEmpty, state.session.prompts.allSatisfy({ $0.answers.isEmpty }) else { return false }
        dispatch(.command(.generate))
        return true
    }

    /// One event, without drawing: keys through the keymap, wake-ups drain the job inbox.
    public func handle(_ event: Event) {
        switch event {
        case .wake:
            for jobEvent in inbox.drain() {
                dispatch(.jobEvent(jobEvent))
                if jobEvent == .finished(.train) { advanceRound() }
            }
        case .key(.resize):
            dispatch(.resized(terminal.size))
        default:
            // A key acts on what the store holds now, not on what it held a poll ago.
            pollStore()
            for action in KeyRouter.actions(for: event, state: state) { dispatch(action) }
        }
    }

    public func present() throws {
        try terminal.present(WorkbenchView.render(state))
    }

    func dispatch(_ action: Action) {
        let effects = Workbench.update(&state, action, now: clock())
        for effect in effects { perform(effect) }
    }

    func perform(_ effect: Effect) {
        switch effect {
        case .writeLabel(let promptID, let label, let kind):
            do {
                try backend.writeHumanLabel(promptID: promptID, label: label, kind: kind)
            } catch let conflict as LabelConflict {
                dispatch(.labelConflict(promptID: promptID, current: conflict.current, kind: kind))
                pollStore()
            } catch {
                // Show what the store holds rather than what we failed to write.
                if let session = try? backend.loadSession() { dispatch(.sessionLoaded(session)) }
                dispatch(.failed("label for prompt \(promptID) not saved: \(error)"))
            }
        case .job(let command):
            let inbox = self.inbox, waker = terminal.waker
            do {
                try backend.control(command) { event in
                    inbox.push(event)
                    waker.wake()
                }
            } catch {
                dispatch(.failed("\(command): \(error)"))
            }
        case .loadRenderedPrompts(let promptID, let provider):
            do {
                let prompts = try backend.renderedPrompts(promptID: promptID, provider: provider)
                dispatch(.renderedPromptsLoaded(promptID: promptID, provider: provider, prompts))
                // Token texts are a nicety: without a model the inspector numbers the tokens.
                if state.session.prompts.first(where: { $0.id == promptID })?.goldAnswerTokens.isEmpty == true,
                   let tokens = try? backend.answerTokens(promptID: promptID), !tokens.isEmpty {
                    dispatch(.answerTokensLoaded(promptID: promptID, tokens))
                }
            } catch {
                dispatch(.failed("cannot render the prompts of prompt \(promptID): \(error)"))
            }
        case .switchTheme(let name):
            let (theme, message) = themes.theme(named: name)
            terminal.setTheme(theme)
            if let message { dispatch(.failed(message)) } else { dispatch(.themeApplied(name: theme.name)) }
        case .quit:
            break
        }
    }
}

/// Opens the workbench on a terminal and runs it until the operator quits. Labels are
/// written as they are made, so returning (or being killed) loses nothing.
public func runWorkbench(backend: any WorkbenchBackend, terminal: any Terminal, keymap: Keymap = .standard,
                         themes: ThemeLibrary = ThemeLibrary(), themeName: String = "dark",
                         notices: [String] = [], generateWhenEmpty: Bool = false) throws {
    let app = try WorkbenchApp(backend: backend, terminal: terminal, keymap: keymap, themes: themes,
                               themeName: themeName, notices: notices)
    if generateWhenEmpty { app.generateWhenNothingIsWritten() }
    try app.run()
}
