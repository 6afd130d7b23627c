/// The stages the workbench can run in the background.
public enum JobKind: String, Hashable, Sendable, CaseIterable {
    case generate, score, train, eval
}

/// What the workbench asks of a job.
public enum JobCommand: Hashable, Sendable {
    /// Start a job; `steps` is the number of DPO steps for `train` (nil: the session's default).
    case start(JobKind, steps: Int?)
    case pause(JobKind)
    case resume(JobKind)
    case stop(JobKind)
}

/// What a running job reports, from any thread. Metric names are TRL's ("loss",
/// "rewards/margins", "rewards/accuracies", "rewards/chosen", "rewards/rejected").
public enum JobEvent: Hashable, Sendable {
    case started(JobKind, total: Int)
    /// `done` of `total` units (prompts, steps); `tokensPerSecond` when the job knows it.
    case progress(JobKind, done: Int, total: Int, tokensPerSecond: Double?)
    /// A DPO step's metric, at the step of `provider`'s run.
    case metric(step: Int, name: String, value: Double, provider: Int)
    /// `provider`'s run started (`fromStep` 0) or resumed after `fromStep`.
    case trainRunStarted(provider: Int, fromStep: Int)
    /// Generation streams text into a provider's column as it is produced.
    case token(promptID: Int64, provider: Int, text: String)
    /// A prompt's data changed (new rationale, new scores, new auto label).
    case promptUpdated(PromptItem)
    case evalRow(EvalRow)
    case log(String)
    case paused(JobKind)
    case resumed(JobKind)
    case finished(JobKind)
    /// Stopped at the operator's request before the end (what was done is kept).
    case stopped(JobKind)
    case failed(JobKind, message: String)
}

/// The workbench's view of a session: read it, write human labels, run jobs. The session
/// store adapter implements it in the program, an in-memory double in tests.
///
/// Every label is written at once (`writeHumanLabel`): there is nothing to save.
public protocol WorkbenchBackend: AnyObject {
    func loadSession() throws -> SessionSnapshot
    /// Each mode's prompt for a prompt and provider (the inspector's bottom pane).
    func renderedPrompts(promptID: Int64, provider: Int) throws -> [RenderedPrompt]
    /// Makes `label` the prompt's human label; nil withdraws the human label (undo back to
    /// the auto decision). A backend shared with other writers refuses (`LabelConflict`) a
    /// `.new` label over a label this window has not seen, and an undo or redo unless the
    /// label in force is the one this window wrote.
    func writeHumanLabel(promptID: Int64, label: PairLabel?, kind: LabelWriteKind) throws
    /// Labels other writers wrote since the last load or refresh: every prompt's labels, or
    /// nil when nothing changed. Cheap when nothing changed (it is asked on every key).
    func labelsChangedElsewhere() throws -> [Int64: PromptLabels]?
    /// Rationales, scores and eval rows other writers stored since the last load or refresh
    /// (`collate generate`, `score` or `eval` from another terminal), or nil when nothing
    /// changed. Cheap when nothing changed (it is asked on every key).
    func storedRowsChangedElsewhere() throws -> StoredRowsRefresh?
    /// After a training job finished: when every provider now has its adapter for the round
    /// shown, moves to the next round (whose rationales those adapters write, and whose eval
    /// tests them) and returns its number; nil when the round stays.
    func advanceAfterTraining() throws -> Int?
    /// The texts of the tokens the score stage scores for a prompt's gold answer (the answer's
    /// tokens, then EOS), for the inspector's heat row and table; [] when unknown.
    func answerTokens(promptID: Int64) throws -> [String]
    /// The stored DPO steps of the latest round (at or before the one shown) that has any:
    /// what the Train screen shows on opening.
    func trainingHistory() throws -> TrainingCharts
    /// Starts, pauses, resumes or stops a job. Jobs run on their own threads and call
    /// `report` from there; `report` is cheap and never blocks.
    func control(_ command: JobCommand, report: @escaping @Sendable (JobEvent) -> Void) throws
}

extension WorkbenchBackend {
    public func writeHumanLabel(promptID: Int64, label: PairLabel?) throws {
        try writeHumanLabel(promptID: promptID, label: label, kind: .new)
    }

    /// A backend nobody else writes to never has changes from elsewhere.
    public func labelsChangedElsewhere() throws -> [Int64: PromptLabels]? { nil }

    /// A backend nobody else writes to never has rows from elsewhere.
    public func storedRowsChangedElsewhere() throws -> StoredRowsRefresh? { nil }

    /// A backend without adapters never moves on.
    public func advanceAfterTraining() throws -> Int? { nil }

    /// A backend without a tokenizer knows no token texts (the inspector numbers them).
    public func answerTokens(promptID: Int64) throws -> [String] { [] }

    /// A backend without a store has no stored training.
    public func trainingHistory() throws -> TrainingCharts { TrainingCharts() }
}

/// A prompt's labels as the store holds them.
public struct PromptLabels: Hashable, Sendable {
    public var auto: PairLabel?
    public var human: PairLabel?

    public init(auto: PairLabel?, human: PairLabel?) {
        self.auto = auto
        self.human = human
    }
}

/// What other writers stored since the workbench last looked: the prompts with a new
/// rationale, score or prediction, each as the store holds it now, and the eval rows when an
/// eval wrote any.
public struct StoredRowsRefresh: Hashable, Sendable {
    public var prompts: [PromptItem]
    /// Every round's eval row; nil when no evaluation row was written.
    public var evalRows: [EvalRow]?

    public init(prompts: [PromptItem], evalRows: [EvalRow]?) {
        self.prompts = prompts
        self.evalRows = evalRows
    }
}

/// Another writer's label stands where this window expected its own or what it last saw.
public struct LabelConflict: Error, Hashable, CustomStringConvertible {
    public var promptID: Int64
    /// The human label in force now (nil: none).
    public var current: PairLabel?

    public var description: String { "prompt \(promptID)'s label was changed by another writer" }
}
