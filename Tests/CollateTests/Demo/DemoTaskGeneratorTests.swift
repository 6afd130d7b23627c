import Foundation
import Testing
@testable import Collate
import TestSupport

@Suite struct DemoTaskGeneratorTests {
    @Test func sameSeedSameProblemsOtherSeedOthers() throws {
        let first = try DemoTaskGenerator.generate(train: 60, test: 20, seed: 7)
        let again = try DemoTaskGenerator.generate(train: 60, test: 20, seed: 7)
        let other = try DemoTaskGenerator.generate(train: 60, test: 20, seed: 8)
        #expect(first == again)
        #expect(DemoTaskGenerator.jsonl(first.train) == DemoTaskGenerator.jsonl(again.train))
        #expect(first.train.map(\.question) != other.train.map(\.question))
        #expect(first.train.count == 60 && first.test.count == 20)
    }

    @Test func everyAnswerIsItsStepsEvaluated() throws {
        let splits = try DemoTaskGenerator.generate(train: 400, test: 100, seed: 1)
        for problem in splits.train + splits.test {
            // Recomputed from the structure (operands and operations), never from the text.
            let values = try #require(problem.evaluateSteps(), "\(problem.question)")
            #expect(values.last == problem.answer, "\(problem.question)")
            #expect((2...4).contains(problem.steps.count), "\(problem.template)")
            #expect(values.allSatisfy { (0...ProblemBuilder.maximumValue).contains($0) })
            for (index, step) in problem.steps.enumerated() {
                // Operands refer only to earlier steps.
                for operand in [step.left, step.right] {
                    if case .step(let earlier) = operand { #expect(earlier < index) }
                }
                // The sentence states this step's equation with the structure's numbers.
                func number(_ operand: DemoOperand) -> Int {
                    switch operand {
                    case .given(let n): n
                    case .step(let i): values[i]
                    }
                }
                let equation = "\(number(step.left)) \(step.operation.rawValue) \(number(step.right)) = \(values[index])"
                #expect(step.sentence.contains(equation), "\(step.sentence) lacks \(equation)")
                #expect(AnswerChecker.extractNumber(from: step.sentence) == "\(values[index])", "\(step.sentence)")
            }
            // The rationale's last number is the answer, and it is one line per step (or the last
            // step's line alone).
            #expect(AnswerChecker.extractNumber(from: problem.rationale) == "\(problem.answer)")
            #expect(problem.rationale.split(separator: "\n").count == (problem.skipsSteps ? 1 : problem.steps.count))
            #expect(problem.gsm8kAnswer.hasSuffix("\n#### \(problem.answer)"))
            #expect(!problem.question.contains("\n") && problem.question.hasSuffix("?"))
        }
    }

    @Test func operationsAreCheckedByHand() {
        #expect(DemoOperation.add.apply(3, 4) == 7)
        #expect(DemoOperation.subtract.apply(3, 4) == nil)
        #expect(DemoOperation.subtract.apply(9, 4) == 5)
        #expect(DemoOperation.multiply.apply(6, 7) == 42)
        #expect(DemoOperation.divide.apply(42, 6) == 7)
        #expect(DemoOperation.divide.apply(43, 6) == nil)
        #expect(DemoOperation.divide.apply(4, 0) == nil)
        let problem = DemoProblem(template: "t", question: "q?", steps: [
            DemoStep(left: .given(3), operation: .add, right: .given(4), sentence: "Tom has 3 + 4 = 7 apples."),
            DemoStep(left: .step(0), operation: .multiply, right: .given(2), sentence: "Then 7 * 2 = 14."),
        ], answer: 14)
        #expect(problem.evaluateSteps() == [7, 14])
        #expect(problem.gsm8kJSONLine
                == #"{"question": "q?", "answer": "Tom has 3 + 4 = 7 apples.\nThen 7 * 2 = 14.\n#### 14"}"#)
        let forward = DemoProblem(template: "t", question: "q?", steps: [
            DemoStep(left: .step(1), operation: .add, right: .given(4), sentence: ""),
        ], answer: 0)
        #expect(forward.evaluateSteps() == nil)
    }

    @Test func theHastyAnnotatorSkipsToTheLastStepOnItsTemplatesOnly() throws {
        let hasty = try DemoTaskGenerator.generate(train: 3000, test: 100, seed: 5, rationales: .hasty)
        let everyStep = try DemoTaskGenerator.generate(train: 3000, test: 100, seed: 5)
        // Who writes the rationales changes nothing else: same questions, steps and answers.
        for (a, b) in zip(hasty.train + hasty.test, everyStep.train + everyStep.test) {
            #expect(a.question == b.question && a.steps == b.steps && a.answer == b.answer)
            #expect(!b.skipsSteps && b.rationale == b.steps.map(\.sentence).joined(separator: "\n"))
            if a.skipsSteps {
                #expect(a.rationale == a.steps.last?.sentence)
            } else {
                #expect(a.rationale == b.rationale)
            }
        }
        #expect(GoldRationales.hastyTemplates.isSubset(of: Set(DemoTemplate.all.map(\.name))))
        #expect(GoldRationales.hastyTemplates.count == 7)
        let problems = hasty.train + hasty.test
        let own = problems.filter { GoldRationales.hastyTemplates.contains($0.template) }
        #expect(problems.filter { $0.skipsSteps && !GoldRationales.hastyTemplates.contains($0.template) }.isEmpty)
        // Three in five of the hasty templates' rationales skip: 3100 problems, a third of them
        // the annotator's, so the share lands within a few points of 0.6.
        let share = Double(own.filter(\.skipsSteps).count) / Double(own.count)
        #expect(own.count > 800 && (0.55...0.65).contains(share), "\(own.count) problems, share \(share)")
        // Every one of the seven templates has skipping rationales and complete ones.
        for template in GoldRationales.hastyTemplates {
            let mine = own.filter { $0.template == template }
            #expect(mine.contains(where: \.skipsSteps) && mine.contains { !$0.skipsSteps }, "\(template)")
        }
    }

    @Test func splitsNeverShareAQuestion() throws {
        let splits = try DemoTaskGenerator.generate(train: 2000, test: 500, seed: 3)
        let train = splits.train.map(\.question)
        let test = Set(splits.test.map(\.question))
        #expect(Set(train).count == train.count && test.count == 500)
        #expect(test.isDisjoint(with: train))
    }

    @Test func manyTemplatesAndPhrasingsAppear() throws {
        let problems = try DemoTaskGenerator.generate(train: 200, test: 1, seed: 11).train
        let templates = Set(problems.map(\.template))
        #expect(DemoTemplate.all.count >= 15)
        #expect(templates.count >= DemoTemplate.all.count - 2, "\(templates.count) templates in 200 problems")
        // Several phrasings per template: distinct first sentences with the numbers blanked.
        let shapes = Set(problems.map { problem in
            String(problem.question.prefix { $0 != "." }.map { $0.isNumber ? "#" : $0 })
        })
        #expect(shapes.count >= 2 * templates.count)
        let stepCounts = Set(problems.map(\.steps.count))
        #expect(stepCounts == [2, 3, 4])
        #expect(Set(problems.flatMap { $0.steps.map(\.operation) }) == Set(DemoOperation.allCases))
    }

    @Test func theGSM8KImporterReadsBackRationaleAndAnswer() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let splits = try DemoTaskGenerator.generate(train: 120, test: 30, seed: 5)
        let files = try DemoTaskGenerator.write(splits, to: directory.url.appendingPathComponent("data"))
        for (url, problems) in [(files.train, splits.train), (files.test, splits.test)] {
            let read = try TaskFileReader.read(url: url, displayName: url.lastPathComponent, format: .gsm8k, fields: nil)
            #expect(read.bad.isEmpty)
            #expect(read.examples.count == problems.count)
            for (example, problem) in zip(read.examples, problems) {
                #expect(example.instruction == problem.question)
                #expect(example.goldRationale == problem.rationale)
                #expect(example.goldAnswer == "\(problem.answer)")
            }
        }
    }
}
