import Foundation
import LLM

/// The score stage (COLLATE.md section 3, step 2) under frozen M_IFT (adapters off):
///   l_s = exp(mean log p(A + EOS | P_IRA(I, R_s)))  for every stored rationale R_s,
///   l_0 = exp(mean log p(A + EOS | P_IA(I)))        the no-rationale baseline (provider 0),
/// with the per-token log-probs kept, and M_IFT's greedy answer in each of those prompts
/// (the prediction, checked against the gold answer). Resumable: only missing rows are
/// computed, and each batch of prompts is written in one transaction.
public enum ScoreStage {
    public struct Options: Sendable, Equatable {
        public var iteration: Int
        public var split: DataSplit
        public var limit: Int?
        /// Prompts per scoring forward pass (each contributes up to S + 1 sequences).
        public var batchPrompts: Int
        /// New tokens allowed for a predicted answer.
        public var answerMaxTokens: Int
        /// Whether M_IFT's greedy answers (predictions) are computed too. The loop needs them on
        /// the evaluation splits only; `collate run` leaves them out on the training split (a
        /// later `collate score` adds them for the workbench).
        public var predictions: Bool
        /// Sequences decoded together for the predictions (nil: `[decoding] batch_size`).
        public var batchSize: Int?

        public init(iteration: Int, split: DataSplit = .train, limit: Int? = nil, batchPrompts: Int = 4,
                    answerMaxTokens: Int = 16, predictions: Bool = true, batchSize: Int? = nil) {
            self.batchSize = batchSize
            self.iteration = iteration
            self.split = split
            self.limit = limit
            self.batchPrompts = batchPrompts
            self.answerMaxTokens = answerMaxTokens
            self.predictions = predictions
        }
    }

    public struct Report: Sendable, Equatable {
        public var prompts = 0
        public var skipped = 0
        public var scores = 0
        public var predictions = 0
        /// Prompts with some but fewer than S stored rationales (run generate first).
        public var missingGenerations = 0
        /// Prompts without any rationale in the iteration: not scored at all (l_0 alone pairs nothing).
        public var notGenerated = 0
    }

    /// One row to compute: the baseline / direct answer (generation nil) or a rationale's.
    struct Job {
        var prompt: PromptRecord
        var provider: Int
        var generation: GenerationRecord?
        var needsScore: Bool
        var needsPrediction: Bool
    }

    /// `shouldStop` is asked before each batch of prompts: once it answers true the stage throws
    /// `StageError.cancelled`, every batch before saved.
    public static func run(session: Session, mift: LlamaModel, tokenizer: Tokenizer, options: Options,
                           onProgress: (StageProgress) -> Void = { _ in },
                           shouldStop: () -> Bool = { false }) throws -> Report {
        var prompts = try session.store.prompts(split: options.split)
        if let limit = options.limit { prompts = Array(prompts.prefix(max(limit, 0))) }
        let providerCount = session.manifest.candidates(for: options.split).count
        var report = Report(prompts: prompts.count)
        // Only prompts with rationales have anything to score: the progress counts those.
        let generated = try session.store.promptIDsWithGenerations(iteration: options.iteration)
        let withRationales = prompts.filter { $0.id.map(generated.contains) ?? false }
        report.notGenerated = prompts.count - withRationales.count
        prompts = withRationales
        var progress = StageProgress(stage: "score", split: options.split, done: 0, total: prompts.count, worked: 0)
        onProgress(progress)
        var start = 0
        while start < prompts.count {
            if shouldStop() { throw StageError.cancelled(stage: "score", done: progress.done, total: progress.total) }
            let batch = prompts[start..<min(start + max(options.batchPrompts, 1), prompts.count)]
            var jobs: [Job] = []
            for prompt in batch {
                let found = try jobsFor(prompt, session: session, iteration: options.iteration, providerCount: providerCount,
                                        predictions: options.predictions)
                switch found.generations {
                case 0, providerCount: break
                default: report.missingGenerations += 1
                }
                if found.generations > 0 && found.jobs.isEmpty { report.skipped += 1 }
                if !found.jobs.isEmpty { progress.worked += 1 }
                jobs += found.jobs
            }
            let rows = try compute(jobs, templates: session.manifest.templates, iteration: options.iteration,
                                   model: mift, tokenizer: tokenizer, answerMaxTokens: options.answerMaxTokens,
                                   batchSize: options.batchSize ?? session.manifest.decoding.batchSize)
            let saved = try session.store.saveScoresAndPredictions(scores: rows.scores, predictions: rows.predictions)
            report.scores += saved.scores
            report.predictions += saved.predictions
            start += batch.count
            progress.done = start
            progress.saved = batch.compactMap(\.id)
            onProgress(progress)
            progress.saved = []
        }
        return report
    }

    /// What is still missing for one prompt that has rationales: the baseline and a row per
    /// stored rationale. Also returns how many rationales are stored.
    static func jobsFor(_ prompt: PromptRecord, session: Session, iteration: Int, providerCount: Int,
                        predictions: Bool = true) throws
        -> (jobs: [Job], generations: Int) {
        guard let promptID = prompt.id else { return ([], 0) }
        let store = session.store
        let scored = Set(try store.scores(promptID: promptID, iteration: iteration).map(\.provider))
        let predicted = Set(try store.predictions(promptID: promptID, iteration: iteration).map(\.provider))
        let generations = try store.generations(promptID: promptID, iteration: iteration)
            .filter { (1...providerCount).contains($0.provider) }
        guard !generations.isEmpty else { return ([], 0) }
        var jobs: [Job] = []
        let candidates: [(Int, GenerationRecord?)] = [(ScoreRecord.baselineProvider, nil)] + generations.map { ($0.provider, $0) }
        for (provider, generation) in candidates {
            let job = Job(prompt: prompt, provider: provider, generation: generation,
                          needsScore: !scored.contains(provider), needsPrediction: predictions && !predicted.contains(provider))
            if job.needsScore || job.needsPrediction { jobs.append(job) }
        }
        return (jobs, generations.count)
    }

    /// The prompt M_IFT answers in: P_IA(I) for the baseline, P_IRA(I, R_s) for a rationale.
    static func answerPrompt(_ job: Job, templates: PromptTemplates) -> String {
        guard let generation = job.generation else {
            return templates.render(.answer, instruction: job.prompt.instruction)
        }
        return templates.render(.answerWithRationale, instruction: job.prompt.instruction, rationale: generation.text)
    }

    static func compute(_ jobs: [Job], templates: PromptTemplates, iteration: Int, model: LlamaModel,
                        tokenizer: Tokenizer, answerMaxTokens: Int, batchSize: Int = 32) throws -> (scores: [ScoreRecord], predictions: [PredictionRecord]) {
        let scoring = jobs.filter(\.needsScore)
        var scores: [ScoreRecord] = []
        if !scoring.isEmpty {
            // Every length fits the context (a sequence longer than it cannot be scored).
            let pairs = scoring.map { (prompt: answerPrompt($0, templates: templates), completion: $0.prompt.goldAnswer) }
            for (job, pair) in zip(scoring, pairs) {
                let ids = try model.completionTokenIDs(prompt: pair.prompt, completion: pair.completion, tokenizer: tokenizer)
                guard ids.prompt.count + ids.completion.count <= model.contextLength, !ids.prompt.isEmpty else {
                    throw StageError.promptTooLong(promptID: job.prompt.id ?? -1, tokens: ids.prompt.count + ids.completion.count,
                                                   context: model.contextLength)
                }
            }
            let results = try model.scoreCompletions(pairs, tokenizer: tokenizer)
            for (job, result) in zip(scoring, results) {
                let promptID = job.prompt.id ?? -1
                let answerScore: AnswerScore
                do { answerScore = try AnswerScore(tokenLogprobs: result.tokenLogProbs) } catch {
                    throw StageError.scoring(promptID: promptID, reason: "provider \(job.provider): \(error)")
                }
                scores.append(ScoreRecord(promptId: promptID, iteration: iteration, provider: job.provider,
                                          generationId: job.generation?.id, answerScore: answerScore,
                                          tokenLogprobs: result.tokenLogProbs))
            }
        }
        // M_IFT's greedy answers, all of the batch's prompts decoded together (each equal to
        // decoding it alone: batched decoding is batch-invariant).
        let predicting = jobs.filter(\.needsPrediction)
        var requests: [GenerationRequest] = []
        for job in predicting {
            let ids = try model.promptTokenIDs(answerPrompt(job, templates: templates), tokenizer: tokenizer,
                                               promptID: job.prompt.id ?? -1)
            requests.append(GenerationRequest(prompt: ids, options: GenerationOptions(maxTokens: answerMaxTokens, strategy: .greedy)))
        }
        let answers = model.generate(batch: requests, batchSize: max(1, batchSize))
        var predictions: [PredictionRecord] = []
        for (job, answer) in zip(predicting, answers) {
            let promptID = job.prompt.id ?? -1
            let text = tokenizer.decode(answer.tokens, skipSpecialTokens: true).trimmingWhitespace()
            predictions.append(PredictionRecord(
                promptId: promptID, iteration: iteration, provider: job.provider, generationId: job.generation?.id,
                text: text, correct: AnswerCorrectness.isCorrect(prediction: text, prompt: job.prompt)))
        }
        return (scores, predictions)
    }

    /// M_IFT's greedy answer (adapter off), decoded without special tokens and trimmed.
    public static func predictAnswer(_ prompt: String, model: LlamaModel, tokenizer: Tokenizer, promptID: Int64,
                                     maxTokens: Int) throws -> String {
        let ids = try model.promptTokenIDs(prompt, tokenizer: tokenizer, promptID: promptID)
        let result = model.generate(prompt: ids, options: GenerationOptions(maxTokens: maxTokens, strategy: .greedy))
        return tokenizer.decode(result.tokens, skipSpecialTokens: true).trimmingWhitespace()
    }
}
