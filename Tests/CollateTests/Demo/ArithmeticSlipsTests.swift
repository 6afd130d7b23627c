import Foundation
import GRDB
import Testing
@testable import Collate
import TestSupport

@Suite struct ArithmeticSlipsTests {
    static let question = "Tom has 12 apples. He buys 3 bags of 4 apples. He eats 5 of them. How many apples are left?"

    @Test func stepsAreReadInOrderAndChecked() {
        let steps = ArithmeticSlips.steps(in: "Tom buys 3 * 4 = 12 apples.\nHe has 12 + 12 = 24.\n24 - 5 = 18 are left. 7 / 2 = 3")
        #expect(steps.map(\.operation) == [.multiply, .add, .subtract, .divide])
        #expect(steps.map(\.result) == [12, 24, 18, 3])
        // 3 * 4 = 12 and 12 + 12 = 24 are right; 24 - 5 = 18 is not, nor is an inexact division.
        #expect(steps.map(\.isRight) == [true, true, false, false])
        #expect(ArithmeticSlips.steps(in: "no arithmetic here, 5 apples") == [])
    }

    @Test func theFirstFaultIsASlipAWrongOperandOrNoStep() {
        let q = Self.question
        #expect(ArithmeticSlips.firstFault(rationale: "3 * 4 = 12. 12 + 12 = 24. 24 - 5 = 19.", question: q) == nil)
        #expect(ArithmeticSlips.firstFault(rationale: "3 * 4 = 12. 12 + 12 = 24. 24 - 5 = 18.", question: q)
            == .slip(ArithmeticSlips.Step(a: 24, operation: .subtract, b: 5, result: 18)))
        // 13 is neither in the question nor an earlier result; the slip after it does not count.
        #expect(ArithmeticSlips.firstFault(rationale: "3 * 4 = 12. 13 + 12 = 24. 24 - 5 = 18.", question: q)
            == .wrongOperand(ArithmeticSlips.Step(a: 13, operation: .add, b: 12, result: 24)))
        // A wrong result used later is a known number: the fault is the slip that made it.
        #expect(ArithmeticSlips.firstFault(rationale: "3 * 4 = 11. 12 + 11 = 23.", question: q)
            == .slip(ArithmeticSlips.Step(a: 3, operation: .multiply, b: 4, result: 11)))
        #expect(ArithmeticSlips.firstFault(rationale: "He has many apples.", question: q) == .noStep)
    }

    @Test func aTallyCountsEveryStepAndTheWrongAnswersByFirstFault() {
        var tally = ArithmeticSlips.Tally()
        tally.add(rationale: "3 * 4 = 12. 12 + 12 = 24. 24 - 5 = 19.", question: Self.question, answerCorrect: true)
        tally.add(rationale: "3 * 4 = 11. 12 + 11 = 23. 23 - 5 = 18.", question: Self.question, answerCorrect: false)
        tally.add(rationale: "3 * 4 = 12. 13 + 12 = 25.", question: Self.question, answerCorrect: false)
        tally.add(rationale: "Many.", question: Self.question, answerCorrect: false)
        tally.add(rationale: "3 * 4 = 12. 12 - 5 = 7.", question: Self.question, answerCorrect: false)
        #expect(tally.rationales == 5 && tally.wrongAnswers == 4)
        #expect(tally.slips == 1 && tally.wrongOperands == 1 && tally.noSteps == 1 && tally.otherFaults == 1)
        // Multiplications: 12, 11 (wrong), 12, 12; additions: 24, 23, 25; subtractions: 19, 18, 7.
        #expect(tally.steps == [.multiply: 4, .add: 3, .subtract: 3])
        #expect(tally.wrongSteps == [.multiply: 1])
        #expect(tally.wrongFraction(.multiply) == 0.25 && tally.wrongFraction(.add) == 0 && tally.wrongFraction(.divide) == nil)
        #expect(tally.wrongFraction() == 0.1)
        #expect(tally.stepsPerRationale == 2.0 && tally.singleStep == 0)
        var pooled = tally
        pooled.merge(tally)
        #expect(pooled.rationales == 10 && pooled.slips == 2 && pooled.steps[.multiply] == 8 && pooled.wrongFraction() == 0.1)
        // A rationale that skips to the last step: one step, on an operand the question lacks.
        pooled.add(rationale: "He has 7 + 12 = 19.", question: Self.question, answerCorrect: false)
        #expect(pooled.singleStep == 1 && pooled.wrongOperands == 3 && pooled.stepsPerRationale == 21.0 / 11.0)
        #expect(ArithmeticSlips.Tally().stepsPerRationale == nil)
    }

    /// Round r is iteration r + 1's test rationales that have a prediction.
    @Test func roundsAreTheEvaluatedTestRationalesOfEachIteration() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let location = try SessionLocation(name: "s", sessionsDirectory: directory.url)
        let (session, _) = try Session.create(location, data: TaskDataSpec(format: .gsm8k, train: "t.jsonl"))
        try session.store.write { db in
            for (line, split) in [(1, DataSplit.test), (2, .test), (3, .train)] {
                var prompt = PromptRecord(split: split, instruction: Self.question, goldRationale: nil, goldAnswer: "19",
                                          options: nil, sourceFile: "t.jsonl", sourceLine: line, sourceHash: "h")
                try prompt.insert(db)
            }
        }
        func add(prompt: Int64, iteration: Int, provider: Int, text: String, correct: Bool?) throws {
            let generation = try session.store.saveGeneration(GenerationRecord(
                promptId: prompt, iteration: iteration, provider: provider, text: text, tokenCount: 1))
            guard let correct else { return }
            try session.store.saveScoresAndPredictions(scores: [], predictions: [PredictionRecord(
                promptId: prompt, iteration: iteration, provider: provider, generationId: generation.id, text: "", correct: correct)])
        }
        try add(prompt: 1, iteration: 1, provider: 1, text: "3 * 4 = 12. 12 + 12 = 24. 24 - 5 = 19.", correct: true)
        try add(prompt: 1, iteration: 1, provider: 2, text: "3 * 4 = 12. 12 + 12 = 24. 24 - 5 = 18.", correct: false)
        try add(prompt: 2, iteration: 1, provider: 1, text: "3 * 4 = 12.", correct: nil)          // not evaluated
        try add(prompt: 3, iteration: 1, provider: 1, text: "3 * 4 = 13.", correct: false)        // a training prompt
        try add(prompt: 1, iteration: 2, provider: 1, text: "3 * 7 = 21.", correct: false)
        let rounds = try ArithmeticSlips.tallyByRound(session: session)
        #expect(rounds.keys.sorted() == [0, 1])
        #expect(rounds[0]?.rationales == 2 && rounds[0]?.slips == 1 && rounds[0]?.steps[.subtract] == 2)
        #expect(rounds[1]?.rationales == 1 && rounds[1]?.wrongOperands == 1)
    }
}
