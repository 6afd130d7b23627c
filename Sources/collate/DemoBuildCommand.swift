import ArgumentParser
import Collate
import DemoModel
import Foundation

/// Paths of the demo session relative to the current directory.
struct DemoSessionOption: ParsableArguments {
    @Option(help: ArgumentHelp("The demo session folder (session.toml and its data).", valueName: "dir"))
    var session = "sessions/demo"

    func folder() -> URL {
        URL(fileURLWithPath: session, isDirectory: true,
            relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)).standardizedFileURL
    }

    func manifest() throws -> SessionManifest {
        try SessionManifest.load(from: folder().appendingPathComponent("session.toml"))
    }

    func resolve(_ path: String) -> URL {
        URL(fileURLWithPath: path, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath)).standardizedFileURL
    }
}

struct DemoBuildCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "build",
        abstract: "Train the demo model from scratch (BPE tokenizer + MIFT) and write it as an HF directory.",
        discussion: """
            Trains on the session's training split (validation excluded) and --extra-problems fresh \
            problems of the same generator that are in none of the session's files. The same seed \
            gives the same model. Checkpoints go to <out>.checkpoints every --checkpoint-every steps; \
            after an interruption, rerun with --resume to continue from the newest one.
            """)

    @OptionGroup var sessionOption: DemoSessionOption

    @Option(help: ArgumentHelp("Output model directory (default: <session>/model).", valueName: "dir"))
    var out: String?

    @Option(help: "Optimiser steps.")
    var steps = DemoRecipeConfiguration.standard.steps

    @Option(help: "Seed of the tokenizer-independent parts: initial weights, batch order, modes.")
    var seed: UInt64 = 0

    @Option(help: "Steps between checkpoints.")
    var checkpointEvery = DemoRecipeConfiguration.standard.checkpointEvery

    @Option(help: ArgumentHelp("How often each mode is drawn, relative to the others: I -> A, I -> R, [I; R] -> A.",
                               valueName: "a,r,ra"))
    var modeWeights = DemoRecipeConfiguration.standard.modeWeights.map(String.init).joined(separator: ",")

    @Option(help: ArgumentHelp("Fresh generated problems to train on beside the session's training split "
                               + "(none is a question of the session's data files).", valueName: "n"))
    var extraProblems = DemoRecipeConfiguration.standard.extraProblems

    @Option(help: ArgumentHelp("Who writes the extra problems' gold rationales, as for `collate demo data`: "
                               + "every-step (the bundled demo's) or hasty.", valueName: "style"))
    var goldRationales = GoldRationales.everyStep

    @Flag(help: "Continue from the newest checkpoint instead of starting over.")
    var resume = false

    func run() throws {
        let manifest = try sessionOption.manifest()
        let folder = sessionOption.folder()
        let output = out.map(sessionOption.resolve) ?? folder.appendingPathComponent(manifest.model, isDirectory: true)
        let checkpoints = output.deletingLastPathComponent()
            .appendingPathComponent(output.lastPathComponent + ".checkpoints", isDirectory: true)
        var configuration = DemoRecipeConfiguration.standard
        configuration.steps = steps
        configuration.seed = seed
        configuration.checkpointEvery = checkpointEvery
        configuration.modeWeights = try Self.parseModeWeights(modeWeights)
        configuration.warmupSteps = min(configuration.warmupSteps, max(1, steps / 20))
        configuration.extraProblems = extraProblems
        let examples = try DemoRecipe.trainingExamples(manifest: manifest, sessionFolder: folder)
            + DemoExtraProblems.examples(
                count: extraProblems, rationales: goldRationales,
                excluding: DemoExtraProblems.sessionQuestions(manifest: manifest, sessionFolder: folder))
        var meter = ProgressMeter(totalSteps: steps)
        try DemoRecipe.build(examples: examples, templates: manifest.templates, configuration: configuration,
                             output: output, checkpoints: checkpoints, resume: resume) { event in
            meter.report(event)
        }
    }
}

extension DemoBuildCommand {
    static func parseModeWeights(_ text: String) throws -> [Int] {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
        let values = parts.compactMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        guard parts.count == 3, values.count == 3, values.allSatisfy({ $0 >= 0 }), values.reduce(0, +) > 0 else {
            throw ValidationError("--mode-weights takes three non-negative whole numbers, not all zero, like 1,3,1 (got \(text))")
        }
        return values
    }
}

/// Progress lines on stderr: step, loss, learning rate, tokens/s and the time left.
struct ProgressMeter {
    let totalSteps: Int
    var start = Date()
    var firstStep: Int?
    var tokens = 0
    var lossSum: Float = 0
    var lossCount = 0

    mutating func report(_ event: DemoBuildEvent) {
        switch event {
        case .tokenizerTrained(let size): demoLog("tokenizer: \(size) tokens")
        case .dataReady(let problems, let dropped, let parameters):
            demoLog("training problems: \(problems) (\(dropped) too long), model parameters: \(parameters)")
        case .resumed(let step): demoLog("resumed at step \(step)")
        case .step(let report):
            if firstStep == nil { firstStep = report.step - 1; start = Date() }
            tokens += report.tokens
            lossSum += report.loss
            lossCount += 1
            let every = 10
            guard report.step % every == 0 || report.step == totalSteps else { return }
            let elapsed = Date().timeIntervalSince(start)
            let done = report.step - (firstStep ?? 0)
            let remaining = elapsed / Double(max(done, 1)) * Double(totalSteps - report.step)
            demoLog(String(format: "step %d/%d  loss %.4f  lr %.2e  |g| %.2f  %.0f tok/s  elapsed %@  ETA %@",
                       report.step, totalSteps, lossSum / Float(max(lossCount, 1)), report.learningRate,
                       report.gradientNorm, Double(tokens) / max(elapsed, 1e-9), clock(elapsed), clock(remaining)))
            lossSum = 0
            lossCount = 0
        case .checkpointed(let step): if step % 100 == 0 { demoLog("checkpoint at step \(step)") }
        case .wrote(let url): demoLog("wrote \(url.path)")
        }
    }

    func clock(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        return String(format: "%d:%02d", s / 60, s % 60)
    }
}

func demoLog(_ text: String) {
    FileHandle.standardError.write(Data((text + "\n").utf8))
}
