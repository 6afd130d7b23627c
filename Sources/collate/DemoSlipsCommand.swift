import ArgumentParser
import Collate
import Foundation

/// `collate demo slips`: where the test rationales of demo sessions go wrong, round by round.
struct DemoSlipsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "slips",
        abstract: "Check every step (a op b = c) of the evaluated test rationales of demo sessions, round by round.",
        discussion: """
            For each round (after `collate run` or `collate eval`), over every provider's evaluated test \
            rationale of the sessions named (pooled): the share of wrong steps per operation, and each wrong \
            answer's first fault: a slip (operands right, result wrong), a wrong operand (neither in the \
            question nor an earlier result: a miscopied number or the result of a skipped step), no step at \
            all, or none of these. Also the steps per rationale and the share of rationales of one step \
            (every demo problem takes two or more: they skip steps). \
            E.g. `collate demo slips seed0 seed1 seed2 --sessions-dir sessions/demo/variants`.
            """)

    @Argument(help: "Sessions to pool (names under the sessions directory).")
    var names: [String]

    @OptionGroup var sessionsDirectory: SessionsDirectoryOption

    func validate() throws {
        guard !names.isEmpty else { throw ValidationError("name at least one session") }
    }

    func run() throws {
        let directory = sessionsDirectory.url()
        var pooled: [Int: ArithmeticSlips.Tally] = [:]
        for name in names {
            let session = try Session.open(try SessionLocation(name: name, sessionsDirectory: directory))
            for (round, tally) in try ArithmeticSlips.tallyByRound(session: session) {
                pooled[round, default: ArithmeticSlips.Tally()].merge(tally)
            }
        }
        guard !pooled.isEmpty else {
            throw NothingEvaluated(description: "no evaluated test rationales in \(names.joined(separator: ", ")) "
                + "(run `collate run` or `collate eval` first)")
        }
        print(Self.table(pooled))
    }

    struct NothingEvaluated: Error, CustomStringConvertible {
        let description: String
    }

    static func table(_ tallies: [Int: ArithmeticSlips.Tally]) -> String {
        func percent(_ value: Double?) -> String { value.map { String(format: "%5.1f%%", $0 * 100) } ?? "     -" }
        func pad(_ text: String, _ width: Int) -> String { String(repeating: " ", count: max(0, width - text.count)) + text }
        var lines = ["round  rationales  steps/rationale  one step  wrong steps:    +       -       *       /     all   wrong answers  slip  operand  no step  other"]
        for round in tallies.keys.sorted() {
            guard let tally = tallies[round] else { continue }
            let steps = DemoOperation.allCases.map { " " + percent(tally.wrongFraction($0)) }.joined()
            lines.append(pad("\(round)", 5) + pad("\(tally.rationales)", 12)
                + pad(tally.stepsPerRationale.map { String(format: "%.2f", $0) } ?? "-", 17) + pad(percent(tally.singleStepFraction), 10)
                + "             " + steps + " "
                + percent(tally.wrongFraction()) + pad("\(tally.wrongAnswers)", 16) + pad("\(tally.slips)", 6)
                + pad("\(tally.wrongOperands)", 9) + pad("\(tally.noSteps)", 9) + pad("\(tally.otherFaults)", 7))
        }
        return lines.joined(separator: "\n")
    }
}
