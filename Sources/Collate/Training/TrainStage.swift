import Foundation
import LLM

/// The `train` stage (COLLATE.md section 3, step 5) for one provider of one iteration: the
/// provider's adapter from the end of the previous iteration (iteration 0: the providers
/// stage) over the base model, DPO on the pairs of its partition, and the trained adapter
/// saved in PEFT layout as `adapters/iteration-<i>/provider-<s>/` (written under a temporary
/// name and renamed). Rerunning resumes an interrupted run, and after a finished one only
/// saves the adapter again.
public enum TrainStage {
    public struct Options: Sendable {
        public var iteration: Int
        public var provider: Int
        /// Overrides the manifest's max_steps.
        public var maxSteps: Int?
        /// Start from a fresh adapter (B = 0, A seeded) when the previous one is missing.
        public var freshAdapterWhenMissing: Bool

        public init(iteration: Int, provider: Int, maxSteps: Int? = nil, freshAdapterWhenMissing: Bool = false) {
            self.iteration = iteration
            self.provider = provider
            self.maxSteps = maxSteps
            self.freshAdapterWhenMissing = freshAdapterWhenMissing
        }
    }

    public enum Result: Sendable, Equatable {
        /// No pairs in the provider's partition: nothing trained, nothing saved.
        case noPairs
        case trained(TrainingOutcome, pairs: Int, adapter: URL?)
    }

    /// One provider's run on a workspace of its own (the base loaded for this call): see
    /// `SessionWorkspace.train`, which the loop, `collate train` and the workbench share.
    public static func run(session: Session, options: Options,
                           onEvent: (TrainingEvent) -> TrainingControl = { _ in .proceed }) throws -> Result {
        try SessionWorkspace(session).train(options, onEvent: onEvent)
    }

    /// The one no-pairs policy (`SessionWorkspace.keepAdapterUnchanged`): the provider's
    /// adapter of the previous iteration saved again as this one's. Returns where it went.
    @discardableResult
    public static func keepAdapterUnchanged(session: Session, options: Options) throws -> URL {
        try SessionWorkspace(session).keepAdapterUnchanged(options)
    }
}
