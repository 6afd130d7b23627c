import Testing
@testable import Collate

@Suite struct EvaluationTests {
    @Test func selectsTheBestMeanValidationScoreWithTiesToTheLowestProvider() throws {
        #expect(try Evaluation.selectProvider(validationScores: [1: [0.2, 0.4], 2: [0.5, 0.3], 3: [0.1, 0.2]]) == 2)
        #expect(try Evaluation.selectProvider(validationScores: [2: [0.5], 1: [0.25, 0.75]]) == 1)
        #expect(throws: MethodError.self) { try Evaluation.selectProvider(validationScores: [1: []]) }
        #expect(throws: MethodError.self) { try Evaluation.selectProvider(validationScores: [:]) }
    }

    @Test func accuracyTableMatchesHandCounts() throws {
        let outcomes = [
            Evaluation.PromptOutcome(promptID: 1, direct: true, providers: [1: true, 2: false]),
            Evaluation.PromptOutcome(promptID: 2, direct: false, providers: [1: false, 2: true]),
            Evaluation.PromptOutcome(promptID: 3, direct: false, providers: [1: true, 2: true]),
            Evaluation.PromptOutcome(promptID: 4, direct: false, providers: [1: false, 2: false]),
        ]
        let summary = try Evaluation.summarise(outcomes, selectedProvider: 2)
        #expect(summary.promptCount == 4)
        #expect(summary.direct == 0.25)
        #expect(summary.perProvider == [1: 0.5, 2: 0.5])
        #expect(summary.selected == 0.5 && summary.selectedProvider == 2)
        #expect(summary.oracle == 0.75)
        #expect(throws: MethodError.self) { try Evaluation.summarise(outcomes, selectedProvider: 3) }
        #expect(throws: MethodError.self) {
            try Evaluation.summarise(outcomes + [Evaluation.PromptOutcome(promptID: 5, direct: true, providers: [1: true])],
                                     selectedProvider: 1)
        }
    }
}
