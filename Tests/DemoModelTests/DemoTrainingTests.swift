import Collate
@testable import DemoModel
import Foundation
import LLM
import TensorCore
import Testing

/// The recipe end to end on a tiny configuration and a few problems (fast in a debug build).
@Suite(.serialized) struct DemoTrainingTests {
    func fewExamples(_ count: Int) throws -> [DemoExample] {
        Array(try DemoRecipe.trainingExamples(manifest: demoManifest(), sessionFolder: demoSessionFolder).prefix(count))
    }

    @Test func lossFallsOnARepeatedBatch() throws {
        let examples = try fewExamples(4)
        let templates = try demoManifest().templates
        let configuration = DemoRecipeConfiguration.tiny(steps: 12)
        let tokenizer = try DemoRecipe.trainTokenizer(examples, templates: templates,
                                                      vocabularySize: configuration.vocabularySize).tokenizer()
        let eos = try #require(tokenizer.id(of: DemoRecipe.endOfText))
        let dataset = MIFTDataset(examples: examples, templates: templates, tokenizer: tokenizer, eosID: eos,
                                  contextLength: configuration.contextLength)
        var effective = configuration
        effective.vocabularySize = tokenizer.vocabularySize
        let trainer = try MIFTTrainer(configuration: configuration, dataset: dataset,
                                      model: MIFTTrainer.initialModel(effective, eosID: eos))
        var losses: [Float] = []
        for _ in 0..<12 { losses.append(try trainer.trainStep().loss) }
        #expect(trainer.step == 12)
        // A fresh model is near-uniform: loss about log(vocabulary).
        #expect(abs(losses[0] - Float(Foundation.log(Double(tokenizer.vocabularySize)))) < 0.5)
        // Every batch holds the same 4 problems (in some modes): the last steps beat the first.
        let firstMean = losses.prefix(3).reduce(0, +) / 3, lastMean = losses.suffix(3).reduce(0, +) / 3
        #expect(lastMean < firstMean - 0.5, "losses \(losses)")
    }

    @Test func resumedBuildEqualsUninterruptedAndWritesALoadableModel() throws {
        let examples = try fewExamples(6)
        let templates = try demoManifest().templates
        let configuration = DemoRecipeConfiguration.tiny(steps: 4, seed: 5)
        let root = try temporaryDirectory("resume")
        defer { try? FileManager.default.removeItem(at: root) }

        // Uninterrupted: 4 steps.
        let whole = root.appendingPathComponent("whole/model"), wholeChecks = root.appendingPathComponent("whole/checks")
        var events: [DemoBuildEvent] = []
        try DemoRecipe.build(examples: examples, templates: templates, configuration: configuration, output: whole,
                             checkpoints: wholeChecks, resume: false) { events.append($0) }
        let steps = events.compactMap { if case .step(let report) = $0 { report.step } else { nil } }
        #expect(steps == [1, 2, 3, 4])

        // Interrupted after 2 steps, resumed for the other 2.
        let split = root.appendingPathComponent("split/model"), splitChecks = root.appendingPathComponent("split/checks")
        try DemoRecipe.build(examples: examples, templates: templates, configuration: configuration, output: split,
                             checkpoints: splitChecks, resume: false, pausingAt: 2)
        #expect(!FileManager.default.fileExists(atPath: split.path))
        let paused = try #require(try DemoCheckpoint(directory: splitChecks).load())
        #expect(paused.step == 2)
        var resumedSteps: [Int] = []
        try DemoRecipe.build(examples: examples, templates: templates, configuration: configuration, output: split,
                             checkpoints: splitChecks, resume: true) { event in
            if case .step(let report) = event { resumedSteps.append(report.step) }
        }
        #expect(resumedSteps == [3, 4])

        let a = try #require(try DemoCheckpoint(directory: wholeChecks).load())
        let b = try #require(try DemoCheckpoint(directory: splitChecks).load())
        #expect(a.step == 4 && b.step == 4)
        #expect(a.sampler == b.sampler)
        #expect(a.optimizerState == b.optimizerState)
        #expect(a.tokenizerJSON == b.tokenizerJSON)
        for (x, y) in zip(a.model.namedParameters, b.model.namedParameters) {
            #expect(x.name == y.name)
            #expect(x.variable.value.scalars == y.variable.value.scalars, "\(x.name) differs after resuming")
        }
        // The weights moved from their initial values.
        let initial = MIFTTrainer.initialModel(a.model.config.withVocabulary(from: configuration), eosID: a.model.config.eosTokenIDs[0])
        #expect(initial.embedding.value.scalars != a.model.embedding.value.scalars)

        // The written directory loads, in F16, equal to the final F32 weights up to F16 rounding.
        let directory = try ModelDirectory(url: split)
        #expect(directory.config.torchDtype == "float16")
        #expect(directory.config.tieWordEmbeddings)
        #expect(directory.config.vocabSize == directory.tokenizer.vocabularySize)
        let loaded = try LlamaModel(directory: directory)
        #expect(loaded.parameterCount == a.model.parameterCount)
        for (x, y) in zip(loaded.namedParameters, a.model.namedParameters) {
            let worst = zip(x.variable.value.scalars, y.variable.value.scalars).map { abs($0 - $1) / max(abs($1), 1e-3) }.max() ?? 0
            #expect(worst < 1e-3, "\(x.name): relative F16 error \(worst)")
        }
        let wholeFiles = try FileManager.default.contentsOfDirectory(atPath: whole.path).sorted()
        #expect(wholeFiles == ["config.json", "model.safetensors", "tokenizer.json"])
        #expect(try Data(contentsOf: whole.appendingPathComponent("model.safetensors"))
            == Data(contentsOf: split.appendingPathComponent("model.safetensors")))
    }

    @Test func resumingWithAnotherConfigurationIsRefused() throws {
        let examples = try fewExamples(3)
        let templates = try demoManifest().templates
        let root = try temporaryDirectory("refuse")
        defer { try? FileManager.default.removeItem(at: root) }
        let checks = root.appendingPathComponent("checks")
        try DemoRecipe.build(examples: examples, templates: templates, configuration: .tiny(steps: 2), output: root.appendingPathComponent("m"),
                             checkpoints: checks, resume: false, pausingAt: 1)
        #expect(throws: DemoRecipeError.self) {
            try DemoRecipe.build(examples: examples, templates: templates, configuration: .tiny(steps: 3),
                                 output: root.appendingPathComponent("m"), checkpoints: checks, resume: true)
        }
    }
}

extension ModelConfig {
    /// The recipe's configuration with this model's (trained) vocabulary size.
    func withVocabulary(from configuration: DemoRecipeConfiguration) -> DemoRecipeConfiguration {
        var copy = configuration
        copy.vocabularySize = vocabSize
        return copy
    }
}
