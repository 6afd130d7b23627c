/// Errors of the train stage that are not a NaN (those end a run as `TrainingOutcome.failed`).
public enum TrainingError: Error, Equatable, CustomStringConvertible {
    case invalidConfiguration(String)
    case noPairs
    /// A checkpoint file that cannot be read back; `path` names it.
    case corruptCheckpoint(path: String, reason: String)
    /// A checkpoint that is intact but does not belong to this run's pairs or parameters.
    case mismatchedCheckpoint(path: String, reason: String)
    /// A policy that broke its contract (shapes, counts, non-finite reference log-probs).
    case policy(String)
    /// New pairs appeared after training started: their reference would come from a policy
    /// that is no longer the one at the start of the iteration.
    case referenceAfterTrainingStarted(pairIDs: [Int64])
    case io(path: String, reason: String)

    public var description: String {
        switch self {
        case .invalidConfiguration(let reason): "invalid DPO settings: \(reason)"
        case .noPairs: "there are no preference pairs to train on"
        case .corruptCheckpoint(let path, let reason): "checkpoint \(path) is corrupt: \(reason)"
        case .mismatchedCheckpoint(let path, let reason): "checkpoint \(path) does not fit this run: \(reason)"
        case .policy(let reason): "the policy model: \(reason)"
        case .referenceAfterTrainingStarted(let ids):
            "pairs \(ids.map(String.init).joined(separator: ", ")) have no reference log-probs but the run has "
                + "already trained (labels changed mid-run?): finish or discard this run first"
        case .io(let path, let reason): "\(path): \(reason)"
        }
    }
}
