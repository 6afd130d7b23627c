/// What a training run reports as it goes (DESIGN.md: the workbench's train screen and the CLI
/// listen to these). The callback runs on the training thread, after the event's data is in
/// the store.
public enum TrainingEvent: Sendable, Equatable {
    /// The run began (`fromStep` 0) or resumed from the checkpoint of `fromStep`.
    case started(runID: Int64, fromStep: Int, totalSteps: Int)
    /// Reference log-probs were computed for `computed` pairs (`stored` were already there).
    case referenceReady(computed: Int, stored: Int)
    /// One optimiser step, with TRL's metrics.
    case step(MetricRecord)
    /// A checkpoint was written (renamed into place and recorded); `path` is relative to the
    /// session folder.
    case checkpoint(step: Int, path: String)
    /// The callback asked to stop; the state at `step` is checkpointed.
    case stopped(step: Int)
    case finished(steps: Int)
    /// A NaN/inf stopped the run before `step` was applied.
    case failed(step: Int, message: String)
}

/// The callback's answer: go on, or stop after the current step (checkpointed, resumable).
public enum TrainingControl: Sendable, Equatable {
    case proceed
    case stop
}

/// How a call to `DPOTrainer.run` ended.
public enum TrainingOutcome: Sendable, Equatable {
    /// All steps done (now or by an earlier call: the final weights are loaded either way).
    case finished(runID: Int64, steps: Int)
    case stopped(runID: Int64, step: Int)
    /// Stopped by a non-finite loss or gradient; the run is marked failed and resumable.
    case failed(runID: Int64, step: Int, message: String)
}
