import Foundation
import Testing
@testable import Collate

@Suite struct EvalStageTests {
    /// Validation prompts 1-3 with these l per provider (means: p1 0.4, p2 0.5, p3 0.4; over the
    /// first two prompts only: p1 0.3, p2 0.5, p3 0.6), and test prompts 4-7 with these
    /// predictions (D = direct):
    ///   4: D yes, p1 no,  p2 yes, p3 no
    ///   5: D no,  p1 no,  p2 no,  p3 yes
    ///   6: D yes, p1 yes, p2 yes, p3 no
    ///   7: D no,  p1 no,  p2 no,  p3 no
    func handFixture() throws -> SessionStore {
        let store = try SessionStore()
        try store.write { db in
            for line in 1...7 {
                var prompt = PromptRecord(split: line <= 3 ? .validation : .test, instruction: "q\(line)", goldRationale: nil,
                                          goldAnswer: "\(line)", options: nil, sourceFile: "f", sourceLine: line,
                                          sourceHash: "h\(line)")
                try prompt.insert(db)
            }
        }
        let validation: [Int: [Double]] = [1: [0.2, 0.4, 0.6], 2: [0.5, 0.5, 0.5], 3: [0.9, 0.3, 0.0001]]
        for (provider, values) in validation {
            for (index, value) in values.enumerated() {
                try Fixtures.score(store, prompt: Int64(index + 1), iteration: 1, provider: provider,
                                   logprobs: [Float(log(value))])
            }
        }
        let outcomes: [Int64: [Bool]] = [4: [true, false, true, false], 5: [false, false, false, true],
                                         6: [true, true, true, false], 7: [false, false, false, false]]
        var predictions: [PredictionRecord] = []
        for (prompt, row) in outcomes {
            for (provider, correct) in row.enumerated() {
                predictions.append(PredictionRecord(promptId: prompt, iteration: 1, provider: provider, generationId: nil,
                                                    text: correct ? "\(prompt)" : "0", correct: correct))
            }
        }
        try store.saveScoresAndPredictions(scores: [], predictions: predictions)
        return store
    }

    @Test func tableMatchesAHandCount() throws {
        let store = try handFixture()
        let result = try EvalStage.tabulate(store: store, iteration: 1, providerCount: 3, limit: nil)
        #expect(result.summary.promptCount == 4 && result.validationPrompts == 3)
        #expect(result.directCorrect == 2 && result.providerCorrect == [1: 1, 2: 2, 3: 1])
        #expect(result.summary.selectedProvider == 2 && result.selectedCorrect == 2)
        #expect(result.oracleCorrect == 3)
        #expect(result.summary.direct == 0.5 && result.summary.selected == 0.5 && result.summary.oracle == 0.75)
        #expect(abs((result.validationMeanScores[1] ?? 0) - 0.4) < 1e-6)
        #expect(abs((result.validationMeanScores[3] ?? 0) - (0.9 + 0.3 + 0.0001) / 3) < 1e-6)
        let lines = result.records.map { "\($0.method.rawValue) \($0.provider) \($0.correct)/\($0.total)" }
        #expect(lines == ["direct 0 2/4", "provider 1 1/4", "provider 2 2/4", "provider 3 1/4", "selected 2 2/4", "oracle 0 3/4"])
    }

    @Test func aLimitTakesTheFirstPromptsOfBothSplits() throws {
        let store = try handFixture()
        let result = try EvalStage.tabulate(store: store, iteration: 1, providerCount: 3, limit: 2)
        // Validation means over prompts 1-2: p3 0.6 wins; test prompts 4-5.
        #expect(result.summary.selectedProvider == 3 && result.validationPrompts == 2)
        #expect(result.directCorrect == 1 && result.providerCorrect == [1: 0, 2: 1, 3: 1] && result.oracleCorrect == 2)
        #expect(result.summary.promptCount == 2 && result.selectedCorrect == 1)
    }

    @Test func missingPredictionsAndValidationScoresAreNamed() throws {
        let store = try handFixture()
        #expect(throws: StageError.evaluation("test prompt 4 has no direct (I -> A) prediction in iteration 2")) {
            try EvalStage.tabulate(store: store, iteration: 2, providerCount: 1, limit: nil)
        }
        #expect(throws: StageError.evaluation("provider 4 has 0 scores on 3 validation prompts of iteration 1: "
                                              + "run generate and score on them")) {
            try EvalStage.tabulate(store: store, iteration: 1, providerCount: 4, limit: nil)
        }
        // Nothing imported: the error says so, not that the manifest's validation split is empty.
        #expect(throws: StageError.evaluation("no prompts in the store: import the task data first (`collate import`)")) {
            try EvalStage.tabulate(store: try SessionStore(), iteration: 1, providerCount: 2, limit: nil)
        }
    }

    @Test func evalRunsTheStagesStoresTheTableAndARerunReplacesIt() throws {
        let fixture = try StageFixture(providers: 2, train: 1, validation: 2, test: 3)
        defer { fixture.remove() }
        let models = try ProviderModels.load(session: fixture.session, iteration: 1)
        let result = try EvalStage.run(session: fixture.session, models: models, options: EvalStage.Options(iteration: 1))
        let store = fixture.session.store
        // Rationales, scores and predictions on validation and test; none on train.
        #expect(try store.generations(iteration: 1).count == 10)
        #expect(try store.generations(promptID: 1, iteration: 1).isEmpty)
        for id: Int64 in 2...6 { #expect(try store.scores(promptID: id, iteration: 1).count == 3) }
        // The table is a count of the stored test predictions.
        var direct = 0, perProvider = [1: 0, 2: 0], oracle = 0
        for id: Int64 in 4...6 {
            let predictions = try store.predictions(promptID: id, iteration: 1)
            #expect(predictions.map(\.provider) == [0, 1, 2])
            if predictions[0].correct { direct += 1 }
            for provider in 1...2 where predictions[provider].correct { perProvider[provider, default: 0] += 1 }
            if predictions[1].correct || predictions[2].correct { oracle += 1 }
        }
        #expect(result.directCorrect == direct && result.providerCorrect == perProvider && result.oracleCorrect == oracle)
        var means: [Int: Double] = [:]
        for provider in 1...2 {
            let values = try (2...3).map { id in try store.scores(promptID: Int64(id), iteration: 1)[provider].score }
            means[provider] = values.reduce(0, +) / 2
        }
        let best = (means[2] ?? 0) > (means[1] ?? 0) ? 2 : 1
        #expect(result.summary.selectedProvider == best)
        let stored = try store.evaluation(iteration: 1)
        #expect(stored.count == 5)
        #expect(Set(stored.map { "\($0.method.rawValue) \($0.provider) \($0.correct)/\($0.total)" })
                == Set(result.records.map { "\($0.method.rawValue) \($0.provider) \($0.correct)/\($0.total)" }))
        _ = try EvalStage.run(session: fixture.session, models: models, options: EvalStage.Options(iteration: 1))
        #expect(try store.evaluation(iteration: 1).count == 5)
        #expect(try store.generations(iteration: 1).count == 10)
    }
}
