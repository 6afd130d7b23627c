import Foundation
import LLM

/// The eval stage (COLLATE.md section 4) for the providers of one iteration: rationales and
/// scores on the validation split pick the test-time provider (best mean l), and on the test
/// split M_IFT answers I -> A directly and [I;R_s] -> A with each provider's rationale. The
/// table (direct, each provider, the selected one, the oracle) is stored and returned.
/// Everything it computes goes through the generate and score stages, so it is resumable too.
public enum EvalStage {
    public struct Options: Sendable, Equatable {
        public var iteration: Int
        /// The first `limit` prompts of the test and of the validation split.
        public var limit: Int?
        public var answerMaxTokens: Int
        /// Sequences decoded together (nil: `[decoding] batch_size`); the results do not depend on it.
        public var batchSize: Int?

        public init(iteration: Int, limit: Int? = nil, answerMaxTokens: Int = 16, batchSize: Int? = nil) {
            self.batchSize = batchSize
            self.iteration = iteration
            self.limit = limit
            self.answerMaxTokens = answerMaxTokens
        }
    }

    public struct Result: Sendable, Equatable {
        public var iteration: Int
        public var summary: Evaluation.Summary
        /// Correct answers out of `summary.promptCount`, per line of the table.
        public var directCorrect: Int
        public var providerCorrect: [Int: Int]
        public var oracleCorrect: Int
        public var validationPrompts: Int
        /// Mean l on the validation split per provider (empty when S = 1 needs no choice).
        public var validationMeanScores: [Int: Double]

        public var selectedCorrect: Int { providerCorrect[summary.selectedProvider] ?? 0 }

        /// The rows stored in the `evaluation` table.
        public var records: [EvaluationRecord] {
            let total = summary.promptCount
            var rows = [EvaluationRecord(iteration: iteration, method: .direct, provider: 0, correct: directCorrect,
                                         total: total, validationPrompts: validationPrompts)]
            for provider in providerCorrect.keys.sorted() {
                rows.append(EvaluationRecord(iteration: iteration, method: .provider, provider: provider,
                                             correct: providerCorrect[provider] ?? 0, total: total,
                                             validationPrompts: validationPrompts))
            }
            rows.append(EvaluationRecord(iteration: iteration, method: .selected, provider: summary.selectedProvider,
                                         correct: selectedCorrect, total: total, validationPrompts: validationPrompts))
            rows.append(EvaluationRecord(iteration: iteration, method: .oracle, provider: 0, correct: oracleCorrect,
                                         total: total, validationPrompts: validationPrompts))
            return rows
        }
    }

    /// Runs generate + score on the validation and test splits (what is missing), then
    /// tabulates and stores the result. Stopped (`shouldStop`), it throws `StageError.cancelled`
    /// with what it generated and scored saved and no table written.
    public static func run(session: Session, models: ProviderModels, options: Options,
                           onProgress: (StageProgress) -> Void = { _ in },
                           shouldStop: () -> Bool = { false },
                           onToken: (Int64, Int, String) -> Void = { _, _, _ in }) throws -> Result {
        let splits: [DataSplit] = models.providerCount > 1 ? [.validation, .test] : [.test]
        for split in splits {
            _ = try GenerateStage.run(
                session: session, models: models,
                options: GenerateStage.Options(iteration: options.iteration, split: split, limit: options.limit,
                                              batchSize: options.batchSize),
                onProgress: onProgress, shouldStop: shouldStop, onToken: onToken)
            _ = try ScoreStage.run(
                session: session, mift: models.model, tokenizer: models.tokenizer,
                options: ScoreStage.Options(iteration: options.iteration, split: split, limit: options.limit,
                                            answerMaxTokens: options.answerMaxTokens, batchSize: options.batchSize),
                onProgress: onProgress, shouldStop: shouldStop)
        }
        let result = try tabulate(store: session.store, iteration: options.iteration,
                                  providerCount: models.providerCount, limit: options.limit)
        try session.store.replaceEvaluation(iteration: options.iteration, rows: result.records)
        return result
    }

    /// The table from what is stored: validation scores choose the provider, test predictions
    /// give the accuracies. Needs no model.
    public static func tabulate(store: SessionStore, iteration: Int, providerCount: Int, limit: Int?) throws -> Result {
        let providers = 1...providerCount
        func limited(_ split: DataSplit) throws -> [PromptRecord] {
            let prompts = try store.prompts(split: split)
            return limit.map { Array(prompts.prefix(max($0, 0))) } ?? prompts
        }
        let validation = providerCount > 1 ? try limited(.validation) : []
        var validationScores: [Int: [Double]] = [:]
        for prompt in validation {
            guard let id = prompt.id else { continue }
            for score in try store.scores(promptID: id, iteration: iteration) where providers.contains(score.provider) {
                validationScores[score.provider, default: []].append(score.score)
            }
        }
        let selected: Int
        if providerCount == 1 {
            selected = 1
        } else {
            guard !validation.isEmpty else {
                throw StageError.evaluation(try store.hasPrompts()
                    ? "the validation split is empty: choosing the test-time provider needs it"
                    : "no prompts in the store: import the task data first (`collate import`)")
            }
            if let short = providers.first(where: { validationScores[$0]?.count ?? 0 < validation.count }) {
                throw StageError.evaluation("provider \(short) has \(validationScores[short]?.count ?? 0) scores on "
                    + "\(validation.count) validation prompts of iteration \(iteration): run generate and score on them")
            }
            selected = try Evaluation.selectProvider(validationScores: validationScores)
        }
        var outcomes: [Evaluation.PromptOutcome] = []
        for prompt in try limited(.test) {
            guard let id = prompt.id else { continue }
            let predictions = Dictionary(try store.predictions(promptID: id, iteration: iteration).map { ($0.provider, $0) },
                                         uniquingKeysWith: { first, _ in first })
            guard let direct = predictions[PredictionRecord.directProvider] else {
                throw StageError.evaluation("test prompt \(id) has no direct (I -> A) prediction in iteration \(iteration)")
            }
            var perProvider: [Int: Bool] = [:]
            for provider in providers {
                guard let prediction = predictions[provider] else {
                    throw StageError.evaluation("test prompt \(id) has no prediction with provider \(provider)'s rationale "
                        + "in iteration \(iteration)")
                }
                perProvider[provider] = prediction.correct
            }
            outcomes.append(Evaluation.PromptOutcome(promptID: id, direct: direct.correct, providers: perProvider))
        }
        guard !outcomes.isEmpty else { throw StageError.evaluation("the test split is empty: nothing to evaluate") }
        let summary: Evaluation.Summary
        do { summary = try Evaluation.summarise(outcomes, selectedProvider: selected) } catch {
            throw StageError.evaluation("\(error)")
        }
        var providerCorrect: [Int: Int] = [:]
        for provider in providers { providerCorrect[provider] = outcomes.filter { $0.providers[provider] == true }.count }
        return Result(
            iteration: iteration, summary: summary, directCorrect: outcomes.filter(\.direct).count,
            providerCorrect: providerCorrect,
            oracleCorrect: outcomes.filter { $0.providers.values.contains(true) }.count,
            validationPrompts: validation.count,
            validationMeanScores: validationScores.mapValues { $0.reduce(0, +) / Double($0.count) })
    }
}
