import ArgumentParser
import Collate
import Foundation
import LLM

struct EvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Test accuracy: I -> A direct, each provider, the provider selected on validation, the oracle.",
        discussion: """
            Generates and scores what is missing on the validation split (to pick the provider with \
            the best mean l) and on the test split (M_IFT's answers), then stores and prints the table. \
            Iteration I evaluates the providers that write its rationales: adapters/iteration-<I-1>/.
            """)

    @OptionGroup var session: SessionOptions

    @Option(parsing: .unconditional, help: "Iteration (default: one past the latest adapters, 1 before any).")
    var iteration: Int?

    @Option(parsing: .unconditional, help: "Only the first N prompts of the test and of the validation split.")
    var limit: Int?

    @Flag(help: "Print the table as JSON.")
    var json = false

    @Option(help: "Sequences decoded at once (default: [decoding] batch_size); the results do not depend on it.")
    var batchSize: Int?

    func validate() throws {
        try ArgumentChecks.atLeast(1, iteration, "--iteration")
        try ArgumentChecks.atLeast(1, limit, "--limit")
        try ArgumentChecks.atLeast(1, batchSize, "--batch-size")
    }

    func run() throws {
        let opened = try Session.open(try session.location())
        let lock = try opened.lockForStage()
        defer { lock.release() }
        let iteration = iteration ?? ProviderModels.nextIteration(opened)
        let models = try ProviderModels.load(session: opened, iteration: iteration)
        let progress = ProgressReporter()
        let result = try EvalStage.run(session: opened, models: models,
                                       options: EvalStage.Options(iteration: iteration, limit: limit, batchSize: batchSize),
                                       onProgress: { progress.report($0) })
        print(json ? Self.json(result) : Self.table(result))
    }

    static func table(_ result: EvalStage.Result) -> String {
        let total = result.summary.promptCount
        func line(_ name: String, _ correct: Int) -> String {
            let percent = String(format: "%6.2f%%", total == 0 ? 0 : 100 * Double(correct) / Double(total))
            return name.padding(toLength: 24, withPad: " ", startingAt: 0) + "\(percent)  \(correct)/\(total)"
        }
        var lines = ["iteration \(result.iteration), \(total) test prompts, provider chosen on "
            + "\(result.validationPrompts) validation prompts"]
        lines.append(line("I -> A direct", result.directCorrect))
        for provider in result.providerCorrect.keys.sorted() {
            let mean = result.validationMeanScores[provider].map { String(format: " (validation mean l %.4f)", $0) } ?? ""
            lines.append(line("provider \(provider)", result.providerCorrect[provider] ?? 0) + mean)
        }
        lines.append(line("selected (provider \(result.summary.selectedProvider))", result.selectedCorrect))
        lines.append(line("oracle (best of \(result.providerCorrect.count))", result.oracleCorrect))
        return lines.joined(separator: "\n")
    }

    static func json(_ result: EvalStage.Result) -> String {
        let providers = result.providerCorrect.keys.sorted().map { provider -> JSONValue in
            var entries: [(String, JSONValue)] = [
                ("provider", .int(provider)), ("correct", .int(result.providerCorrect[provider] ?? 0)),
                ("accuracy", .double(result.summary.perProvider[provider] ?? 0)),
            ]
            if let mean = result.validationMeanScores[provider] { entries.append(("validation_mean_score", .double(mean))) }
            return .object(JSONObject(entries.map { (key: $0.0, value: $0.1) }))
        }
        return JSONOut.object([
            ("iteration", .int(result.iteration)),
            ("test_prompts", .int(result.summary.promptCount)),
            ("validation_prompts", .int(result.validationPrompts)),
            ("direct", .object(JSONObject([(key: "correct", value: .int(result.directCorrect)),
                                           (key: "accuracy", value: .double(result.summary.direct))]))),
            ("providers", .array(providers)),
            ("selected", .object(JSONObject([(key: "provider", value: .int(result.summary.selectedProvider)),
                                             (key: "correct", value: .int(result.selectedCorrect)),
                                             (key: "accuracy", value: .double(result.summary.selected))]))),
            ("oracle", .object(JSONObject([(key: "correct", value: .int(result.oracleCorrect)),
                                           (key: "accuracy", value: .double(result.summary.oracle))]))),
        ])
    }
}
