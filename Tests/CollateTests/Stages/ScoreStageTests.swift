import Foundation
import LLM
import Testing
@testable import Collate

@Suite struct ScoreStageTests {
    /// Generates iteration 1 on the train split and scores it.
    func scoredFixture(providers: Int = 2, train: Int = 3, batch: Int = 2) throws -> (StageFixture, ProviderModels, ScoreStage.Report) {
        let fixture = try StageFixture(providers: providers, train: train)
        let models = try ProviderModels.load(session: fixture.session, iteration: 1)
        _ = try GenerateStage.run(session: fixture.session, models: models, options: GenerateStage.Options(iteration: 1))
        let mift = try ProviderModels.loadMIFT(session: fixture.session)
        let report = try ScoreStage.run(session: fixture.session, mift: mift.model, tokenizer: mift.tokenizer,
                                        options: ScoreStage.Options(iteration: 1, batchPrompts: batch))
        return (fixture, models, report)
    }

    @Test func scoresEqualADirectComputationUnderFrozenMIFT() throws {
        let (fixture, _, report) = try scoredFixture()
        defer { fixture.remove() }
        #expect(report.scores == 9 && report.predictions == 9 && report.missingGenerations == 0 && report.notGenerated == 0)
        // A fresh M_IFT, one pair at a time (no batching, no adapters).
        let mift = try ProviderModels.loadMIFT(session: fixture.session)
        let templates = fixture.session.manifest.templates
        for prompt in try fixture.session.store.prompts(split: .train) {
            let id = try #require(prompt.id)
            let scores = try fixture.session.store.scores(promptID: id, iteration: 1)
            #expect(scores.map(\.provider) == [0, 1, 2])
            let generations = try fixture.session.store.generations(promptID: id, iteration: 1)
            for score in scores {
                let context = score.provider == 0
                    ? templates.render(.answer, instruction: prompt.instruction)
                    : templates.render(.answerWithRationale, instruction: prompt.instruction,
                                       rationale: generations[score.provider - 1].text)
                #expect(score.generationId == (score.provider == 0 ? nil : generations[score.provider - 1].id))
                let direct = try mift.model.scoreCompletions([(prompt: context, completion: prompt.goldAnswer)],
                                                             tokenizer: mift.tokenizer)[0]
                let stored = try score.decodedTokenLogprobs()
                #expect(stored.count == mift.tokenizer.encode(prompt.goldAnswer).count + 1)  // answer + EOS
                #expect(zip(stored, direct.tokenLogProbs).allSatisfy { abs($0 - $1) < 1e-4 })
                #expect(abs(score.meanLogprob - direct.mean) < 1e-4)
                #expect(abs(score.score - exp(direct.mean)) < 1e-4)
                #expect(score.score > 0 && score.score <= 1)
            }
        }
    }

    @Test func predictionsAreMIFTsGreedyAnswersChecked() throws {
        let (fixture, _, _) = try scoredFixture(providers: 1, train: 2)
        defer { fixture.remove() }
        let mift = try ProviderModels.loadMIFT(session: fixture.session)
        let templates = fixture.session.manifest.templates
        for prompt in try fixture.session.store.prompts(split: .train) {
            let id = try #require(prompt.id)
            let predictions = try fixture.session.store.predictions(promptID: id, iteration: 1)
            #expect(predictions.map(\.provider) == [0, 1])
            let rationale = try fixture.session.store.generations(promptID: id, iteration: 1)[0]
            #expect(predictions[1].generationId == rationale.id)
            for prediction in predictions {
                let context = prediction.provider == 0
                    ? templates.render(.answer, instruction: prompt.instruction)
                    : templates.render(.answerWithRationale, instruction: prompt.instruction, rationale: rationale.text)
                let greedy = mift.model.generate(prompt: mift.tokenizer.encode(context), options: GenerationOptions(maxTokens: 16))
                let expected = mift.tokenizer.decode(greedy.tokens, skipSpecialTokens: true).trimmingWhitespace()
                #expect(prediction.text == expected)
                #expect(prediction.correct == AnswerChecker.numberMatches(prediction: expected, gold: prompt.goldAnswer))
            }
        }
    }

    @Test func rerunningScoresNothingNewAndALimitedRunResumes() throws {
        let (fixture, _, _) = try scoredFixture(train: 3)
        defer { fixture.remove() }
        let mift = try ProviderModels.loadMIFT(session: fixture.session)
        let again = try ScoreStage.run(session: fixture.session, mift: mift.model, tokenizer: mift.tokenizer,
                                       options: ScoreStage.Options(iteration: 1))
        #expect(again.scores == 0 && again.predictions == 0 && again.skipped == 3)

        let partial = try StageFixture(providers: 2, train: 3)
        defer { partial.remove() }
        let models = try ProviderModels.load(session: partial.session, iteration: 1)
        _ = try GenerateStage.run(session: partial.session, models: models, options: GenerateStage.Options(iteration: 1))
        let first = try ScoreStage.run(session: partial.session, mift: mift.model, tokenizer: mift.tokenizer,
                                       options: ScoreStage.Options(iteration: 1, limit: 1))
        let rest = try ScoreStage.run(session: partial.session, mift: mift.model, tokenizer: mift.tokenizer,
                                      options: ScoreStage.Options(iteration: 1, batchPrompts: 3))
        #expect(first.scores == 3 && rest.scores == 6 && rest.skipped == 1)
        for id: Int64 in 1...3 {
            let resumed = try partial.session.store.scores(promptID: id, iteration: 1).map(\.score)
            let straight = try fixture.session.store.scores(promptID: id, iteration: 1).map(\.score)
            #expect(resumed.count == 3 && zip(resumed, straight).allSatisfy { abs($0 - $1) < 1e-5 })
        }
    }

    @Test func promptsWithoutRationalesAreNotScored() throws {
        let fixture = try StageFixture(providers: 2, train: 3)
        defer { fixture.remove() }
        _ = try fixture.session.store.saveGeneration(GenerationRecord(promptId: 2, iteration: 1, provider: 1, text: "3 + 2 = 5",
                                                                      tokenCount: 7))
        let mift = try ProviderModels.loadMIFT(session: fixture.session)
        let report = try ScoreStage.run(session: fixture.session, mift: mift.model, tokenizer: mift.tokenizer,
                                        options: ScoreStage.Options(iteration: 1))
        #expect(report.notGenerated == 2 && report.missingGenerations == 1 && report.scores == 2 && report.predictions == 2)
        #expect(try fixture.session.store.scores(promptID: 1, iteration: 1).isEmpty)
        #expect(try fixture.session.store.scores(promptID: 2, iteration: 1).map(\.provider) == [0, 1])
    }

    /// With two rationales per provider a test prompt still gets one per provider (it is only
    /// evaluated), so its two rationales are complete, not two missing.
    @Test func evaluationPromptsAreCompleteWithOneRationalePerProvider() throws {
        let fixture = try StageFixture(providers: 2, train: 1, validation: 1, test: 2, maxNewTokens: 4) {
            $0.rationalesPerProvider = 2
        }
        defer { fixture.remove() }
        let models = try ProviderModels.load(session: fixture.session, iteration: 1)
        _ = try GenerateStage.run(session: fixture.session, models: models, options: GenerateStage.Options(iteration: 1, split: .test))
        let mift = try ProviderModels.loadMIFT(session: fixture.session)
        let report = try ScoreStage.run(session: fixture.session, mift: mift.model, tokenizer: mift.tokenizer,
                                        options: ScoreStage.Options(iteration: 1, split: .test))
        #expect(report.missingGenerations == 0 && report.notGenerated == 0 && report.scores == 6)
    }

    @Test func pairsStageTakesTheStoredScores() throws {
        let (fixture, _, _) = try scoredFixture(train: 3)
        defer { fixture.remove() }
        let report = try PairsStage.run(session: fixture.session, iteration: 1)
        #expect(report.kept + report.filtered == 3 && report.notScored == 0)
    }

    @Test(arguments: [
        ("The answer is 5.", "5", nil, true), ("#### 24", "24", nil, true), ("6", "5", nil, false),
        ("b", "cat", ["dog", "cat"], true), ("dog", "cat", ["dog", "cat"], false),
        (" Paris ", "paris", nil, true), ("Lyon", "Paris", nil, false), ("", "5", nil, false),
    ] as [(String, String, [String]?, Bool)])
    func answerCorrectness(prediction: String, gold: String, options: [String]?, expected: Bool) {
        let prompt = PromptRecord(split: .test, instruction: "q", goldRationale: nil, goldAnswer: gold, options: options,
                                  sourceFile: "f", sourceLine: 1, sourceHash: "h")
        #expect(AnswerCorrectness.isCorrect(prediction: prediction, prompt: prompt) == expected)
    }

    @Test func scoresWithoutPredictionsLeaveThemForALaterRun() throws {
        let fixture = try StageFixture(providers: 2, train: 2)
        defer { fixture.remove() }
        let models = try ProviderModels.load(session: fixture.session, iteration: 1)
        _ = try GenerateStage.run(session: fixture.session, models: models, options: GenerateStage.Options(iteration: 1))
        let mift = try ProviderModels.loadMIFT(session: fixture.session)
        let first = try ScoreStage.run(session: fixture.session, mift: mift.model, tokenizer: mift.tokenizer,
                                       options: ScoreStage.Options(iteration: 1, predictions: false))
        #expect(first.scores == 6 && first.predictions == 0)
        #expect(try fixture.session.store.predictions(iteration: 1).isEmpty)
        let second = try ScoreStage.run(session: fixture.session, mift: mift.model, tokenizer: mift.tokenizer,
                                        options: ScoreStage.Options(iteration: 1))
        #expect(second.scores == 0 && second.predictions == 6)
    }
}
