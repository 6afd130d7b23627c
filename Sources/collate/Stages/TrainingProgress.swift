import Collate

/// A training run's steps as a progress bar (rate in steps/s and ETA) through `ProgressReporter`.
final class TrainingProgress {
    let reporter: ProgressReporter
    private var totalSteps = 0
    private var firstStep = 0

    init(reporter: ProgressReporter) { self.reporter = reporter }

    /// Reports `event` under `stage`; never asks the run to stop.
    func observe(_ event: TrainingEvent, stage: String) -> TrainingControl {
        switch event {
        case .started(_, let from, let total):
            totalSteps = total
            firstStep = from
            report(step: from, stage: stage)
        case .step(let metric):
            report(step: metric.step, stage: stage)
        default:
            break
        }
        return .proceed
    }

    private func report(step: Int, stage: String) {
        reporter.report(StageProgress(stage: stage, split: .train, done: step, total: totalSteps,
                                      worked: step - firstStep), unit: "steps")
    }
}
