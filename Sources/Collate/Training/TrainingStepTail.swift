/// How every optimiser step of a training run ends, for DPO and MIFT alike: the step's metric
/// is stored and reported, a checkpoint is written when due (every `checkpointEvery` steps, at
/// the last step, and when the caller asks to stop), and a stop before the last step ends the
/// run as stopped, to be resumed from that checkpoint.
struct TrainingStepTail {
    let store: SessionStore
    let runID: Int64
    let totalSteps: Int
    let checkpointEvery: Int

    /// The run's outcome when it stops at this step; nil when it goes on.
    /// `saveCheckpoint` writes the checkpoint of this step and returns its session-relative path.
    func close(step: Int, metric: MetricRecord, onEvent: (TrainingEvent) -> TrainingControl,
               saveCheckpoint: () throws -> String) throws -> TrainingOutcome? {
        try store.recordMetric(metric)
        var stop = onEvent(.step(metric)) == .stop
        if step % checkpointEvery == 0 || step == totalSteps || stop {
            let path = try saveCheckpoint()
            if onEvent(.checkpoint(step: step, path: path)) == .stop { stop = true }
        }
        guard stop && step < totalSteps else { return nil }
        try store.finishRun(id: runID, status: .stopped, message: "stopped after step \(step) of \(totalSteps)")
        _ = onEvent(.stopped(step: step))
        return .stopped(runID: runID, step: step)
    }

    /// After the last step.
    func finish(steps: Int, onEvent: (TrainingEvent) -> TrainingControl) throws -> TrainingOutcome {
        try store.finishRun(id: runID, status: .finished, message: nil)
        _ = onEvent(.finished(steps: steps))
        return .finished(runID: runID, steps: steps)
    }
}
