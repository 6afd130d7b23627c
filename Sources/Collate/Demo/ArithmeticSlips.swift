import Foundation
import GRDB

/// Where a demo rationale goes wrong. The demo's rationales are sentences with one step
/// "a op b = c" each ("Tom has 3 + 4 = 7 apples."), so every step can be checked: are its
/// operands numbers of the question or results of earlier steps, and is its result right?
/// `collate demo slips` tallies this over a session's test rationales, round by round.
public enum ArithmeticSlips {
    public struct Step: Sendable, Equatable {
        public let a: Int, operation: DemoOperation, b: Int, result: Int

        /// The result is what the operation gives (an inexact division or a negative difference
        /// never is).
        public var isRight: Bool { operation.apply(a, b) == result }
    }

    /// The first thing wrong with a rationale, if any.
    public enum Fault: Sendable, Equatable {
        /// A step whose operands are known numbers and whose result is wrong.
        case slip(Step)
        /// A step with an operand that is neither in the question nor an earlier result: a
        /// miscopied number, or a result of a step the rationale skipped.
        case wrongOperand(Step)
        /// No step at all.
        case noStep
    }

    /// The steps of `text`, in order.
    public static func steps(in text: String) -> [Step] {
        text.matches(of: /(\d+) ([-+*\/]) (\d+) = (\d+)/).compactMap { match in
            guard let a = Int(match.1), let operation = DemoOperation(rawValue: String(match.2)),
                  let b = Int(match.3), let result = Int(match.4) else { return nil }
            return Step(a: a, operation: operation, b: b, result: result)
        }
    }

    /// Walks the steps in order: operands must be numbers of `question` or earlier results.
    public static func firstFault(rationale: String, question: String) -> Fault? {
        let steps = steps(in: rationale)
        guard !steps.isEmpty else { return .noStep }
        var known = Set(question.matches(of: /\d+/).compactMap { Int($0.0) })
        for step in steps {
            guard known.contains(step.a), known.contains(step.b) else { return .wrongOperand(step) }
            guard step.isRight else { return .slip(step) }
            known.insert(step.result)
        }
        return nil
    }

    /// Counts over many rationales: steps and wrong steps per operation (every step, the
    /// ones after a first mistake too: a step on wrong inputs can still be computed right),
    /// and the wrong answers by their first fault.
    public struct Tally: Sendable, Equatable {
        public var steps: [DemoOperation: Int] = [:]
        public var wrongSteps: [DemoOperation: Int] = [:]
        public var rationales = 0
        /// Rationales of exactly one step. Every demo problem takes at least two, so these
        /// skip steps (as the hasty annotator's gold rationales do, `GoldRationales`).
        public var singleStep = 0
        public var wrongAnswers = 0
        public var slips = 0
        public var wrongOperands = 0
        public var noSteps = 0
        /// Wrong answers whose steps are all sound: the last step is not what was asked.
        public var otherFaults = 0

        public init() {}

        public mutating func add(rationale: String, question: String, answerCorrect: Bool) {
            rationales += 1
            let written = ArithmeticSlips.steps(in: rationale)
            if written.count == 1 { singleStep += 1 }
            for step in written {
                steps[step.operation, default: 0] += 1
                if !step.isRight { wrongSteps[step.operation, default: 0] += 1 }
            }
            guard !answerCorrect else { return }
            wrongAnswers += 1
            switch firstFault(rationale: rationale, question: question) {
            case .slip: slips += 1
            case .wrongOperand: wrongOperands += 1
            case .noStep: noSteps += 1
            case nil: otherFaults += 1
            }
        }

        /// Adds another tally's counts (several sessions pooled).
        public mutating func merge(_ other: Tally) {
            steps.merge(other.steps, uniquingKeysWith: +)
            wrongSteps.merge(other.wrongSteps, uniquingKeysWith: +)
            rationales += other.rationales
            singleStep += other.singleStep
            wrongAnswers += other.wrongAnswers
            slips += other.slips
            wrongOperands += other.wrongOperands
            noSteps += other.noSteps
            otherFaults += other.otherFaults
        }

        /// Steps per rationale, on average.
        public var stepsPerRationale: Double? {
            rationales == 0 ? nil : Double(steps.values.reduce(0, +)) / Double(rationales)
        }

        /// Rationales of one step over rationales.
        public var singleStepFraction: Double? {
            rationales == 0 ? nil : Double(singleStep) / Double(rationales)
        }

        /// Wrong steps over steps, for one operation or (nil) all.
        public func wrongFraction(_ operation: DemoOperation? = nil) -> Double? {
            let total = operation.map { steps[$0, default: 0] } ?? steps.values.reduce(0, +)
            let wrong = operation.map { wrongSteps[$0, default: 0] } ?? wrongSteps.values.reduce(0, +)
            return total == 0 ? nil : Double(wrong) / Double(total)
        }
    }

    /// The tally of every test rationale an eval answered, by round: round r is iteration
    /// r + 1's rationales, written by the providers as round r left them (the eval stage's
    /// numbering). Rationales without a prediction (not evaluated) are left out. One query:
    /// only the split's rationales are read, not the iteration's training ones.
    public static func tallyByRound(session: Session, split: DataSplit = .test) throws -> [Int: Tally] {
        try session.store.read { db in
            var tallies: [Int: Tally] = [:]
            let rows = try Row.fetchCursor(db, sql: """
                SELECT g.iteration, g.text, p.instruction, pr.correct FROM generation g
                JOIN prompt p ON p.id = g.promptId
                JOIN prediction pr ON pr.generationId = g.id AND pr.iteration = g.iteration
                WHERE p.split = ? AND g.iteration >= 1
                """, arguments: [split.rawValue])
            while let row = try rows.next() {
                let iteration: Int = row[0]
                tallies[iteration - 1, default: Tally()].add(rationale: row[1], question: row[2], answerCorrect: row[3])
            }
            return tallies
        }
    }
}
