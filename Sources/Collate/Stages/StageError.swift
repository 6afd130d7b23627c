import Foundation

/// Why a model-using stage (generate, score, eval, providers) cannot run. Each case names the
/// directory, prompt or setting at fault.
public enum StageError: Error, Equatable, CustomStringConvertible {
    /// M_IFT could not be opened (neither `mift/` nor the manifest's model directory).
    case model(path: String, reason: String)
    /// A provider's PEFT adapter directory is missing or unreadable.
    case adapter(path: String, provider: Int, reason: String)
    case invalidIteration(Int, reason: String)
    /// A prompt does not fit in the model's context.
    case promptTooLong(promptID: Int64, tokens: Int, context: Int)
    case scoring(promptID: Int64, reason: String)
    case evaluation(String)
    /// The store holds no training prompt: the task data was never imported.
    case noTrainingPrompts(session: String)
    /// Stopped at the caller's request (`shouldStop`) after `done` of `total` prompts, each of
    /// them saved whole; a rerun continues after them.
    case cancelled(stage: String, done: Int, total: Int)

    public var description: String {
        switch self {
        case .model(let path, let reason): "M_IFT at \(path): \(reason)"
        case .adapter(let path, let provider, let reason): "provider \(provider)'s adapter at \(path): \(reason)"
        case .invalidIteration(let iteration, let reason): "iteration \(iteration): \(reason)"
        case .promptTooLong(let id, let tokens, let context):
            "prompt \(id): \(tokens) prompt tokens leave no room in the model's context of \(context) positions"
        case .scoring(let id, let reason): "prompt \(id): \(reason)"
        case .evaluation(let reason): reason
        case .noTrainingPrompts(let session):
            "session \(session) has no training prompts: import its task data first (`collate import \(session)`)"
        case .cancelled(let stage, let done, let total):
            "\(stage) stopped after \(done) of \(total) prompts, each saved; running it again continues from there"
        }
    }
}

/// How far a long stage has come, for progress bars (the library never prints).
public struct StageProgress: Sendable, Equatable {
    /// "generate", "score", ... and the split it works on.
    public var stage: String
    public var split: DataSplit
    /// Prompts handled so far (skipped ones included) out of `total`.
    public var done: Int
    public var total: Int
    /// Prompts that needed work (not already complete from an earlier run).
    public var worked: Int
    /// The prompts whose rows this report follows the saving of (empty: none new).
    public var saved: [Int64] = []

    public init(stage: String, split: DataSplit, done: Int, total: Int, worked: Int) {
        self.stage = stage
        self.split = split
        self.done = done
        self.total = total
        self.worked = worked
    }
}
