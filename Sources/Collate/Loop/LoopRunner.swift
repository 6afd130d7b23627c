import Foundation
import LLM

/// `collate run`: the whole method on a session (COLLATE.md sections 1-4), stage after stage:
///
///     import (when the store has no prompts) -> mift (unless [mift] skip) -> providers -> eval (round 0)
///     for i in 1...K: generate(i) -> score(i) -> pairs(i) -> train(i, every provider) -> eval (round i)
///
/// where the eval of round i is the eval stage on store iteration i + 1 (the rationales of the
/// adapters of iteration i). Every stage is resumable, and a stage whose output is complete is
/// skipped, so running again after a kill continues where it stopped and never duplicates a
/// row. The ablations of COLLATE.md section 5 come from the manifest through the stages.
public enum LoopRunner {
    public struct Options: Sendable, Equatable {
        /// K; nil: the manifest's [loop] iterations.
        public var iterations: Int?
        /// Only the first N training prompts are generated, scored and paired each round.
        public var trainLimit: Int?
        /// Only the first N prompts of the validation and of the test split are evaluated.
        public var evalLimit: Int?

        public init(iterations: Int? = nil, trainLimit: Int? = nil, evalLimit: Int? = nil) {
            self.iterations = iterations
            self.trainLimit = trainLimit
            self.evalLimit = evalLimit
        }
    }

    /// What the loop tells its caller as it goes.
    public enum Event: Sendable {
        /// A stage begins (or is checked, when its output is already complete).
        case stage(String)
        case progress(StageProgress)
        /// A DPO or MIFT run's event, with the stage it belongs to.
        case training(stage: String, TrainingEvent)
        /// A round's row is complete (after its eval).
        case row(LoopRow)
    }

    public enum Failure: Error, Equatable, CustomStringConvertible {
        /// A training run stopped (asked to) or failed (NaN/inf): the loop stops there; rerun to resume.
        case trainingEnded(stage: String, outcome: TrainingOutcome)

        public var description: String {
            switch self {
            case .trainingEnded(let stage, .failed(_, _, let message)): "\(stage) failed: \(message)"
            case .trainingEnded(let stage, .stopped(_, let step)): "\(stage) stopped after step \(step); rerun to resume"
            case .trainingEnded(let stage, let outcome): "\(stage) ended with \(outcome)"
            }
        }
    }

    /// Runs (or resumes) the loop and returns the table, rows 0...K.
    public static func run(session: Session, options: Options = Options(),
                           onEvent: (Event) -> TrainingControl = { _ in .proceed }) throws -> [LoopRow] {
        try run(workspace: try SessionWorkspace(session), options: options, onEvent: onEvent)
    }

    /// The same on a workspace: M_IFT is loaded once (after the MIFT stage) and shared by every
    /// stage of every round.
    public static func run(workspace: SessionWorkspace, options: Options = Options(),
                           onEvent: (Event) -> TrainingControl = { _ in .proceed }) throws -> [LoopRow] {
        let session = workspace.session
        let iterations = options.iterations ?? session.manifest.iterations
        func stage(_ name: String) { _ = onEvent(.stage(name)) }
        let progress: (StageProgress) -> Void = { _ = onEvent(.progress($0)) }

        if try !session.store.hasPrompts() {
            stage("import")
            _ = try TaskImporter.importData(manifest: session.manifest, location: session.location,
                                            store: session.store, policy: .fail)
        }
        if !session.manifest.miftSkipped {
            stage("mift")
            let result = try MIFTStage.run(session: session, onProgress: progress) {
                onEvent(.training(stage: "mift", $0))
            }
            if case .trained(let outcome, _) = result, !outcome.isFinished {
                throw Failure.trainingEnded(stage: "mift", outcome: outcome)
            }
        }

        stage("providers")
        let providers = try ProvidersStage.run(workspace: workspace, onProgress: progress) { provider, event in
            onEvent(.training(stage: "providers: DPO provider \(provider)", event))
        }
        if let ended = providers.providers.first(where: { $0.adapter == nil }), let outcome = ended.outcome {
            throw Failure.trainingEnded(stage: "providers: DPO provider \(ended.provider)", outcome: outcome)
        }
        try evaluate(workspace: workspace, round: 0, options: options, onEvent: onEvent)

        for round in 1...max(iterations, 1) where iterations >= 1 {
            // Scoped so that the providers' adapters of iteration round - 1 are let go before
            // training (the base they sit on is the workspace's and stays).
            do {
                let models = try workspace.providerModels(iteration: round)
                stage("iteration \(round): generate")
                _ = try GenerateStage.run(session: session, models: models,
                                          options: GenerateStage.Options(iteration: round, limit: options.trainLimit),
                                          onProgress: progress)
                stage("iteration \(round): score")
                _ = try ScoreStage.run(session: session, mift: models.model, tokenizer: models.tokenizer,
                                       options: ScoreStage.Options(iteration: round, limit: options.trainLimit,
                                                                   predictions: false),
                                       onProgress: progress)
            }
            stage("iteration \(round): pairs")
            _ = try PairsStage.run(session: session, iteration: round)
            try train(workspace: workspace, round: round, onEvent: onEvent)
            try evaluate(workspace: workspace, round: round, options: options, onEvent: onEvent)
        }
        return try LoopSummary.rows(store: session.store, iterations: iterations)
    }

    /// Round `round`'s eval: the eval stage on store iteration round + 1.
    static func evaluate(workspace: SessionWorkspace, round: Int, options: Options,
                         onEvent: (Event) -> TrainingControl) throws {
        _ = onEvent(.stage("iteration \(round): eval"))
        let models = try workspace.providerModels(iteration: round + 1)
        _ = try EvalStage.run(session: workspace.session, models: models,
                              options: EvalStage.Options(iteration: round + 1, limit: options.evalLimit),
                              onProgress: { _ = onEvent(.progress($0)) })
        _ = onEvent(.row(try LoopSummary.row(store: workspace.store, iteration: round)))
    }

    /// Trains every provider of the round whose adapter is not saved yet (`trainProviders`,
    /// whose no-pairs policy saves a provider without pairs its adapter unchanged, so the next
    /// round finds every provider). A run that stops or fails ends the loop; rerun to resume.
    static func train(workspace: SessionWorkspace, round: Int, onEvent: (Event) -> TrainingControl) throws {
        func name(_ provider: Int) -> String { "iteration \(round): DPO provider \(provider)" }
        let plan = SessionWorkspace.RoundTrainingPlan(iteration: round, providers: Array(workspace.providers),
                                                      skipSaved: true, completesRoundWithoutPairs: true)
        let report = try workspace.trainProviders(plan, shouldStart: { provider in
            _ = onEvent(.stage(name(provider)))
            return true
        }, onEvent: { provider, event in
            onEvent(.training(stage: name(provider), event))
        })
        if let (provider, outcome) = report.unfinished {
            throw Failure.trainingEnded(stage: name(provider), outcome: outcome)
        }
    }
}

extension TrainingOutcome {
    public var isFinished: Bool {
        if case .finished = self { return true }
        return false
    }
}
