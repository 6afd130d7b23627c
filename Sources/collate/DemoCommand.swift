import ArgumentParser
import Collate
import Foundation

/// `collate demo ...`: the pieces of the bundled demo session.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "The bundled demo session: its task data and its model.",
        subcommands: [DemoDataCommand.self, DemoBuildCommand.self, DemoEvalCommand.self, DemoSlipsCommand.self])
}

struct DemoDataCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "data",
        abstract: "Write seeded multi-step arithmetic word problems as GSM8K JSONL (train.jsonl, test.jsonl).",
        discussion: """
            Every problem has 2 to 4 steps of + - * and exact / on small numbers, a gold rationale of one \
            sentence per step and a whole-number answer. With --gold-rationales hasty (an experiment, not the \
            bundled data: README), the rationales of seven story templates (shopping, lemonade, travel, pizza, \
            ages, library, marbles) give only the last step three times in five; the questions, steps and \
            answers stay those of every-step. No question is in both files; the session carves its validation \
            split out of train.jsonl. The same seed writes the same files.
            """)

    @Option(help: ArgumentHelp("Directory to write train.jsonl and test.jsonl into.", valueName: "dir"))
    var out: String

    @Option(help: "Number of training problems (validation is taken from these).")
    var train = 4000

    @Option(help: "Number of test problems.")
    var test = 600

    @Option(help: "Seed of the generator.")
    var seed: UInt64 = 0

    @Option(help: ArgumentHelp("Who writes the gold rationales: every-step (the bundled demo's) or hasty.",
                               valueName: "style"))
    var goldRationales = GoldRationales.everyStep

    func validate() throws {
        guard train > 0, test > 0 else { throw ValidationError("--train and --test must be positive") }
    }

    func run() throws {
        let splits = try DemoTaskGenerator.generate(train: train, test: test, seed: seed, rationales: goldRationales)
        let directory = URL(fileURLWithPath: out, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        let files = try DemoTaskGenerator.write(splits, to: directory)
        let problems = splits.train + splits.test
        let templates = Set(problems.map(\.template)).count
        print("wrote \(splits.train.count) problems to \(files.train.path)")
        print("wrote \(splits.test.count) problems to \(files.test.path)")
        let skipping = problems.filter(\.skipsSteps).count
        print("\(templates) story templates, seed \(seed)" + (skipping > 0 ? "; \(skipping) gold rationales give only the last step" : ""))
    }
}

extension GoldRationales: ExpressibleByArgument {}
