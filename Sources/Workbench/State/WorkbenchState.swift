import Foundation  // Date
import TUIKit

/// A text field the workbench is reading, and what Enter will do with it.
public enum InputKind: Hashable, Sendable {
    /// `/`: jumps to matching prompts as you type; Esc goes back to where you were.
    case search(startedAt: Int)
    /// `:`: commands by name, filtered as you type.
    case palette
    /// `?`: the key bindings, filtered as you type.
    case help
    /// `w`: a rationale of your own for a prompt; it becomes the chosen side.
    case writeRationale(promptID: Int64)
    /// `n`: a note kept with the prompt's human label.
    case note(promptID: Int64)
}

public struct InputState: Hashable, Sendable {
    public var kind: InputKind
    public var field: TextInputState
    /// The highlighted row of the palette's list.
    public var selection: Int

    public init(kind: InputKind, field: TextInputState = TextInputState(), selection: Int = 0) {
        self.kind = kind
        self.field = field
        self.selection = selection
    }
}

/// One label change, kept for undo and redo: the human label before and after.
public struct LabelChange: Hashable, Sendable {
    public var promptID: Int64
    public var before: PairLabel?
    public var after: PairLabel?
}

/// What a background job is doing, as last reported.
public struct JobStatus: Hashable, Sendable {
    public enum Phase: Hashable, Sendable { case running, paused, finished, stopped, failed(String) }
    public var phase: Phase
    public var done: Int
    public var total: Int
    public var tokensPerSecond: Double?
    public var startedAt: Date
    public var elapsedSeconds: Double
    /// `done` and `elapsedSeconds` at the job's first progress report: the rate is measured
    /// from there, so units a resumed stage skipped (already stored) do not inflate it.
    public var baselineDone: Int?
    public var baselineSeconds: Double = 0

    public var isActive: Bool { phase == .running || phase == .paused }

    /// Progress of this run's own work, for its rate and ETA (nil rate before two reports).
    public var runProgress: TUIKit.Progress {
        let base = baselineDone ?? done
        return TUIKit.Progress(done: Double(done - base), total: Double(max(0, total - base)),
                        elapsedSeconds: elapsedSeconds - baselineSeconds)
    }

    /// "8/6973 · 0.1/s · ETA 23:10:00" (rate and ETA once known, ETA only while running).
    public var progressText: String {
        var text = "\(done)/\(total)"
        let progress = runProgress
        if let rate = progress.rate { text += " · " + TUIKit.Progress.formatRate(rate) + "/s" }
        if phase == .running, progress.rate != nil, let eta = progress.etaSeconds {
            text += " · ETA " + TUIKit.Progress.formatDuration(eta)
        }
        return text
    }
}

/// The status line's message. A message that is not an error gives way to the key hints
/// `StatusMessage.lifetime` seconds after it was first shown (at the next event: a key or a
/// job's report); an error stays until something replaces it.
public struct StatusMessage: Hashable, Sendable {
    public var text: String
    public var isError: Bool
    /// When the update that made it ended; set by `Workbench.update`.
    public var shownAt: Date?

    public init(text: String, isError: Bool) {
        self.text = text
        self.isError = isError
    }

    public static let lifetime: TimeInterval = 6

    // What the message says, not when: two messages with the same words are the same.
    public static func == (a: StatusMessage, b: StatusMessage) -> Bool { a.text == b.text && a.isError == b.isError }
    public func hash(into hasher: inout Hasher) {
        hasher.combine(text)
        hasher.combine(isError)
    }

    func hasExpired(at now: Date) -> Bool {
        guard !isError, let shownAt else { return false }
        return now.timeIntervalSince(shownAt) >= Self.lifetime
    }
}

/// The inspector's subject and what the backend rendered for it.
public struct InspectState: Hashable, Sendable {
    public var promptID: Int64
    public var provider: Int
    public var renderedPrompts: [RenderedPrompt]
    public var scroll: Int
    /// The rendered prompts' panel's first line (j/k, arrows).
    public var promptScroll = 0
}

/// Everything the screen shows. A value: `update` changes it, `render` draws it.
public struct WorkbenchState: Sendable {
    public var session: SessionSnapshot
    public var screen: Screen = .compare
    public var keymap: Keymap
    public var size: Size
    /// Index into `session.prompts`.
    public var selectedPrompt = 0
    public var listOffset = 0
    /// Screen column (0-based) with the focus.
    public var focusedColumn = 0
    public var rationaleScroll = 0
    public var showsDiff = false
    public var blind = false
    public var input: InputState?
    /// The last search confirmed with Enter: `]` and `[` go to its next and previous match,
    /// and its text is highlighted.
    public var lastSearch: String?
    /// The prompt list shows only prompts in this state (and the selected one); nil: all.
    public var listFilter: LabelStatus?
    public var pendingKeys: [Key] = []
    public var undoStack: [LabelChange] = []
    public var redoStack: [LabelChange] = []
    public var message: StatusMessage?
    public var jobs: [JobKind: JobStatus] = [:]
    /// The Train screen's series: the stored runs of the round on opening, then live steps.
    public var metrics = TrainingCharts()
    public var logLines: [String] = []
    /// The Train screen's log, in display lines above its newest (0: it follows new lines).
    public var logScrollBack = 0
    public var inspect: InspectState?
    public var themeName: String
    public var themeNames: [String]
    /// DPO steps a `t` starts.
    public var trainSteps = 20
    public var shouldQuit = false
    /// `q` was pressed while a job runs: a second `q` quits, any other key stays.
    public var quitArmed = false
    /// A label whose two sides are the same text, asked for once: asked again, it is saved.
    var pendingIdenticalPair: (promptID: Int64, label: PairLabel)?
    /// Wrapped rationale lines by (text, width, diff partner): rendering a frame re-wraps
    /// only what changed. A cache, not state: it never changes what is drawn.
    public let wrapCache = WrapCache()

    public static let logLineLimit = 200

    public init(session: SessionSnapshot, keymap: Keymap = .standard, size: Size, themeName: String = "dark",
                themeNames: [String] = ["dark"]) {
        self.session = session
        self.keymap = keymap
        self.size = size
        self.themeName = themeName
        self.themeNames = themeNames
    }

    public var currentPrompt: PromptItem? {
        session.prompts.indices.contains(selectedPrompt) ? session.prompts[selectedPrompt] : nil
    }

    /// The current prompt's answers in screen order: provider order, or the blind shuffle.
    public func columns(of prompt: PromptItem) -> [ProviderAnswer] {
        guard blind else { return prompt.answers }
        return BlindOrder.permutation(count: prompt.answers.count, promptID: prompt.id).map { prompt.answers[$0] }
    }

    /// The heading of a column: the provider's name, or a letter in blind mode.
    public func columnName(_ answer: ProviderAnswer, at column: Int) -> String {
        if blind { return BlindOrder.letter(column) }
        let index = answer.provider - 1
        return session.providers.indices.contains(index) ? session.providers[index] : "provider \(answer.provider)"
    }
}
