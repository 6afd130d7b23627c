import Collate
import Foundation

/// The generate, score and eval jobs of the workbench: the Collate stages on the session's
/// models, on the runner's job thread. Generation streams each piece of text into its column
/// as it is decoded; score is followed by the pairs stage so the auto labels exist; after
/// each job the prompts are read back from the store, so l_s, l_0 and the labels appear.
///
/// A stop request ends the job within a decoding step (generate, eval) or a batch of prompts
/// (score): what was finished is saved (each prompt is its own transaction), the rows in
/// flight are dropped, and a rerun continues after the last saved prompt.
struct StageJob {
    let kind: JobKind
    let session: Session
    /// Whose models the stages run (the runner's: M_IFT loaded once for every job).
    let workspace: SessionWorkspace
    let iteration: Int
    let report: @Sendable (JobEvent) -> Void
    let request: @Sendable () -> ModelJobRunner.Request?

    func run() -> TrainJob.Ending {
        guard session.hasMIFTModel else {
            return .failed(UnavailableJobRunner.reason(kind, session: session))
        }
        var started = false
        let onProgress: (StageProgress) -> Void = { progress in
            if !started {
                started = true
                report(.started(kind, total: progress.total))
            }
            report(.progress(kind, done: progress.done, total: progress.total, tokensPerSecond: nil))
            // Scores (and a prompt's whole set of rationales) show as they are stored, not at the end.
            for id in progress.saved {
                if let item = try? SessionBackend.promptItem(id: id, iteration: iteration, store: session.store) {
                    report(.promptUpdated(item))
                }
            }
        }
        let shouldStop = { request() == .stop }
        do {
            let message: String
            switch kind {
            case .generate:
                let models = try workspace.providerModels(iteration: iteration)
                let result = try GenerateStage.run(session: session, models: models,
                                                   options: GenerateStage.Options(iteration: iteration),
                                                   onProgress: onProgress, shouldStop: shouldStop,
                                                   onToken: { promptID, provider, text in
                    report(.token(promptID: promptID, provider: provider, text: text))
                })
                message = "generate finished: \(result.generated) rationales, \(result.tokens) tokens "
                    + "(\(result.skipped) prompts already complete)"
            case .score:
                let mift = try workspace.base()
                let result = try ScoreStage.run(session: session, mift: mift.model, tokenizer: mift.tokenizer,
                                                options: ScoreStage.Options(iteration: iteration),
                                                onProgress: onProgress, shouldStop: shouldStop)
                let pairs = try PairsStage.run(session: session, iteration: iteration)
                message = "score finished: \(result.scores) scores on \(result.prompts) prompts; "
                    + "auto labels: \(pairs.kept) kept, \(pairs.filtered) filtered, \(pairs.notScored) not scored"
            case .eval:
                let models = try workspace.providerModels(iteration: iteration)
                let result = try EvalStage.run(session: session, models: models,
                                               options: EvalStage.Options(iteration: iteration), onProgress: onProgress,
                                               shouldStop: shouldStop)
                let summary = result.summary
                // The eval of store iteration i tests the adapters of round i - 1 (LoopSummary).
                report(.evalRow(EvalRow(
                    iteration: result.iteration - 1, direct: summary.direct,
                    providers: (1...max(1, models.providerCount)).map { summary.perProvider[$0] },
                    selected: summary.selected, oracle: summary.oracle)))
                message = "eval finished: test accuracy after round \(result.iteration - 1) on \(summary.promptCount) prompts"
            case .train:
                return .failed("the train job is not a stage job")
            }
            try reloadPrompts()
            return .finished(message: message)
        } catch let StageError.cancelled(stage, done, total) {
            try? reloadPrompts()
            let rerun = kind == .generate ? "g" : kind == .score ? "s" : "e"
            return .stopped(message: "\(stage) stopped: \(done) of \(total) prompts done and saved; \(rerun) continues "
                            + "from there" + (kind == .eval ? " (no accuracy table until it completes)" : ""))
        } catch {
            // Whatever was written before the error is shown too.
            try? reloadPrompts()
            return .failed("\(error)")
        }
    }

    /// Every prompt as the store now holds it (new rationales, scores and auto labels).
    func reloadPrompts() throws {
        let snapshot = try SessionBackend(session: session).loadSession()
        for prompt in snapshot.prompts { report(.promptUpdated(prompt)) }
    }
}
