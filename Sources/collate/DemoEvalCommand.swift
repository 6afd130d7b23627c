import ArgumentParser
import Collate
import DemoModel
import Foundation
import LLM

struct DemoEvalCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "eval",
        abstract: "Measure the demo model on the first test problems (the README's table).",
        discussion: """
            Greedy decoding. Accuracy of [I; gold R] -> A, of I -> A, and of I -> R -> A with the model's own \
            rationale; an answer is the generated text up to EOS or a newline, compared as a number. Mean \
            score l = exp(mean log-prob of the answer tokens + EOS) with the gold rationale, and l_0 without.
            """)

    @OptionGroup var sessionOption: DemoSessionOption

    @Option(help: ArgumentHelp("Model directory (default: <session>/model).", valueName: "dir"))
    var model: String?

    @Option(help: "Number of test problems, from the start of the test file.")
    var count = 500

    @Flag(help: "Print every problem's answers and the model's rationale.")
    var verbose = false

    func validate() throws {
        guard count > 0 else { throw ValidationError("--count must be positive") }
    }

    func run() throws {
        let manifest = try sessionOption.manifest()
        let folder = sessionOption.folder()
        let modelURL = model.map(sessionOption.resolve) ?? folder.appendingPathComponent(manifest.model, isDirectory: true)
        let directory = try ModelDirectory(url: modelURL)
        let llama = try LlamaModel(directory: directory)
        let examples = try DemoRecipe.testExamples(manifest: manifest, sessionFolder: folder, count: count)
        let evaluator = DemoEvaluator(model: llama, tokenizer: directory.tokenizer, templates: manifest.templates)
        let start = Date()
        let report = try evaluator.evaluate(examples) { item, running in
            if verbose {
                demoLog("#\(item.index) gold-R: \(item.answerWithGoldRationale) | direct: \(item.answerDirect) | "
                    + "own-R: \(item.answerWithOwnRationale)\n  \(item.ownRationale.replacingOccurrences(of: "\n", with: " / "))")
            }
            if running.count % 25 == 0 {
                demoLog(String(format: "%d/%d  [I;R]->A %.1f%%  I->A %.1f%%  I->R->A %.1f%%  %.0fs", running.count, examples.count,
                           100 * running.accuracyWithGoldRationale, 100 * running.accuracyDirect,
                           100 * running.accuracyWithOwnRationale, Date().timeIntervalSince(start)))
            }
        }
        print("demo model \(modelURL.path), \(report.count) test problems, greedy")
        print("| measure | value |")
        print("|---|---|")
        print(String(format: "| accuracy [I; gold R] -> A | %.1f%% |", 100 * report.accuracyWithGoldRationale))
        print(String(format: "| accuracy I -> A | %.1f%% |", 100 * report.accuracyDirect))
        print(String(format: "| accuracy I -> R -> A (own greedy rationale) | %.1f%% |", 100 * report.accuracyWithOwnRationale))
        print(String(format: "| mean l with gold rationale | %.4f |", report.meanScoreWithGoldRationale))
        print(String(format: "| mean l_0 without rationale | %.4f |", report.meanScoreWithout))
    }
}
