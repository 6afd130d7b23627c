import Foundation  // Date
import TUIKit

/// The workbench's one place where state changes: `update(&state, action, now:)` returns
/// the effects the runner must carry out. Pure apart from `state`: `now` is passed in so a
/// test can fix time.
public enum Workbench {
    public static func update(_ state: inout WorkbenchState, _ action: Action, now: Date) -> [Effect] {
        if state.message?.hasExpired(at: now) == true { state.message = nil }
        defer { if state.message != nil, state.message?.shownAt == nil { state.message?.shownAt = now } }
        switch action {
        case .command(let command):
            state.pendingKeys = []
            return run(command, &state, now: now)
        case .pendingKeys(let keys):
            state.pendingKeys = keys
            state.message = StatusMessage(text: keys.map(\.description).joined(separator: " ") + " ...", isError: false)
            return []
        case .unboundKey(let key):
            let sequence = (state.pendingKeys + [key]).map(\.description).joined(separator: " ")
            state.pendingKeys = []
            state.message = StatusMessage(text: "\(sequence) is not bound here (? lists the keys)", isError: false)
            return []
        case .inputKey, .inputSubmit, .inputCancel, .inputMove:
            return updateInput(&state, action, now: now)
        case .click(let point):
            clicked(point, &state)
            return []
        case .resized(let size):
            state.size = size
            clampCompareView(&state)
            return []
        case .answerTokensLoaded(let promptID, let tokens):
            if let index = state.session.prompts.firstIndex(where: { $0.id == promptID }) {
                state.session.prompts[index].goldAnswerTokens = tokens
            }
            return []
        case .roundAdvanced(let session):
            let trained = state.session.iteration
            state.session = session
            state.selectedPrompt = min(state.selectedPrompt, max(0, session.prompts.count - 1))
            // Undo and redo belong to the labels of the round left behind.
            state.undoStack = []
            state.redoStack = []
            clampFocus(&state)
            clampCompareView(&state)
            state.message = StatusMessage(text: "round \(trained) trained: now round \(session.iteration) (g writes its "
                                          + "rationales with the new adapters, e evaluates them)", isError: false)
            return []
        case .tick:
            return []
        case .sessionLoaded(let session):
            state.session = session
            state.selectedPrompt = min(state.selectedPrompt, max(0, session.prompts.count - 1))
            return []
        case .renderedPromptsLoaded(let promptID, let provider, let prompts):
            if state.inspect?.promptID == promptID, state.inspect?.provider == provider {
                state.inspect?.renderedPrompts = prompts
            }
            return []
        case .jobEvent(let event):
            apply(event, &state, now: now)
            return []
        case .failed(let text):
            state.message = StatusMessage(text: text, isError: true)
            return []
        case .themeApplied(let name):
            state.themeName = name
            state.message = StatusMessage(text: "theme \(name)", isError: false)
            return []
        case .labelsRefreshed(let labels):
            refreshLabels(labels, &state)
            return []
        case .labelConflict(let promptID, let current, let kind):
            labelConflict(promptID: promptID, current: current, kind: kind, &state)
            return []
        }
    }

    static func run(_ command: Command, _ state: inout WorkbenchState, now: Date) -> [Effect] {
        state.message = nil
        if command != .quit { state.quitArmed = false }
        switch command {
        case .choose, .reject, .writeRationale: break
        default: state.pendingIdenticalPair = nil
        }
        switch command {
        case .moveDown where state.screen == .inspect, .moveUp where state.screen == .inspect:
            if let scroll = state.inspect?.promptScroll { state.inspect?.promptScroll = max(0, scroll + (command == .moveDown ? 1 : -1)) }
        case .columnLeft where state.screen == .inspect, .columnRight where state.screen == .inspect:
            return inspectNeighbour(command == .columnRight ? 1 : -1, &state)
        case .moveDown where state.screen == .train, .moveUp where state.screen == .train,
             .scrollDown where state.screen == .train, .scrollUp where state.screen == .train:
            let page = max(1, state.size.height / 4)
            let delta = switch command { case .moveUp: 1; case .moveDown: -1; case .scrollUp: page; default: -page }
            state.logScrollBack = min(max(0, state.logScrollBack + delta), TrainView.maxLogScroll(state))
        case .moveDown where state.screen != .compare, .moveUp where state.screen != .compare,
             .columnLeft where state.screen != .compare, .columnRight where state.screen != .compare:
            break  // Train and Eval have no prompt or column to move to
        case .moveDown, .moveUp, .firstPrompt, .lastPrompt, .nextMatch, .previousMatch, .cycleFilter:
            navigate(command, &state)
        case .columnLeft, .columnRight:
            let count = state.currentPrompt?.answers.count ?? 0
            guard count > 0 else { return [] }
            let step = command == .columnRight ? 1 : count - 1
            state.focusedColumn = (state.focusedColumn + step) % count
        case .scrollDown, .scrollUp:
            let page = max(1, state.size.height / 4)
            let delta = command == .scrollDown ? page : -page
            if state.screen == .inspect {
                let limit = InspectView.maxScroll(state)
                if let scroll = state.inspect?.scroll { state.inspect?.scroll = min(max(0, scroll + delta), limit) }
            } else {
                state.rationaleScroll = max(0, state.rationaleScroll + delta)
                clampCompareView(&state)
            }
        case .inspect:
            guard let prompt = state.currentPrompt else { return [] }
            let columns = state.columns(of: prompt)
            guard columns.indices.contains(state.focusedColumn) else { return [] }
            let provider = columns[state.focusedColumn].provider
            state.inspect = InspectState(promptID: prompt.id, provider: provider, renderedPrompts: [], scroll: 0)
            state.screen = .inspect
            return [.loadRenderedPrompts(promptID: prompt.id, provider: provider)]
        case .back:
            if state.screen == .compare, let kind = JobKind.allCases.first(where: { state.jobs[$0]?.isActive == true }) {
                let binding = state.keymap.bindings.first { $0.command == .stopJob && !$0.sequences.isEmpty }
                let key = binding?.keysText ?? ":stop"
                state.message = StatusMessage(text: "\(kind.rawValue) is running: \(key) stops it (what it finished is kept)",
                                              isError: false)
            }
            state.screen = .compare
        case .choose, .reject, .drop, .keepFiltered, .acceptAuto, .undo, .redo:
            return label(command, &state, now: now)
        case .writeRationale:
            guard let prompt = state.currentPrompt else { return [] }
            // Again on a prompt with your rationale: edit it.
            state.input = InputState(kind: .writeRationale(promptID: prompt.id),
                                     field: TextInputState(prompt.humanLabel?.chosenRationale ?? ""))
        case .editNote:
            guard let prompt = state.currentPrompt else { return [] }
            guard let label = prompt.humanLabel else {
                state.message = StatusMessage(text: "a note belongs to a human label: label the prompt first", isError: false)
                return []
            }
            state.input = InputState(kind: .note(promptID: prompt.id), field: TextInputState(label.note ?? ""))
        case .generate, .score, .eval:
            let kind: JobKind = command == .generate ? .generate : command == .score ? .score : .eval
            if command == .eval { state.screen = .eval }
            return start(kind, steps: nil, &state)
        case .train:
            state.screen = .train
            return start(.train, steps: state.trainSteps, &state)
        case .pauseJob:
            guard let status = state.jobs[.train], status.isActive else {
                state.message = StatusMessage(text: "no training to pause", isError: false)
                return []
            }
            return [.job(status.phase == .paused ? .resume(.train) : .pause(.train))]
        case .stopJob:
            guard let kind = JobKind.allCases.first(where: { state.jobs[$0]?.isActive == true }) else {
                state.message = StatusMessage(text: "no job to stop", isError: false)
                return []
            }
            state.message = StatusMessage(text: "stopping \(kind.rawValue): what it finished is kept", isError: false)
            return [.job(.stop(kind))]
        case .showCompare: state.screen = .compare
        case .showTrain: state.screen = .train
        case .showEval: state.screen = .eval
        case .toggleDiff: state.showsDiff.toggle()
        case .toggleBlind:
            state.blind.toggle()
            state.message = StatusMessage(text: state.blind ? "blind mode: names, scores and the auto label hidden, order shuffled" : "blind mode off",
                                          isError: false)
        case .help: state.input = InputState(kind: .help)
        case .palette: state.input = InputState(kind: .palette)
        case .search: state.input = InputState(kind: .search(startedAt: state.selectedPrompt))
        case .quit:
            let active = JobKind.allCases.filter { state.jobs[$0]?.isActive == true }
            if !active.isEmpty, !state.quitArmed {
                state.quitArmed = true
                let names = active.map(\.rawValue).joined(separator: " and ")
                state.message = StatusMessage(text: "\(names) is running: q again stops it and quits (what it "
                                              + "finished is saved; a rerun continues), any other key stays", isError: false)
                return []
            }
            state.shouldQuit = true
            return active.map { .job(.stop($0)) } + [.quit]
        case .theme(let name):
            return [.switchTheme(name)]
        }
        return []
    }

    static func start(_ kind: JobKind, steps: Int?, _ state: inout WorkbenchState) -> [Effect] {
        if state.jobs[kind]?.isActive == true {
            state.message = StatusMessage(text: "\(kind.rawValue) is already running", isError: false)
            return []
        }
        state.message = StatusMessage(text: "starting \(kind.rawValue)" + (steps.map { " (\($0) steps)" } ?? ""),
                                      isError: false)
        return [.job(.start(kind, steps: steps))]
    }

    static func clampFocus(_ state: inout WorkbenchState) {
        let count = state.currentPrompt?.answers.count ?? 0
        state.focusedColumn = count == 0 ? 0 : min(state.focusedColumn, count - 1)
    }
}
