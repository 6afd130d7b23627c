import Foundation
import LLM
import Testing
import TensorCore
@testable import Collate
import TestSupport

@Suite struct LlamaTrainingTests {
    /// The Llama policy's sums are the scoring path's sums (FORMATS.md token boundaries: the
    /// completion's tokens and its EOS), and its trainable parameters are the adapter's factors.
    @Test func llamaPolicyLogProbsAreCompletionScores() throws {
        var model = TinyLlama.model()
        let adapter = LoRAAdapter(for: model, configuration: LoRAConfiguration(rank: 2, alpha: 4, targets: [.q, .v]),
                                  seed: 3)
        var random = SeededRandom(seed: 4)
        for index in adapter.layers.indices {
            for target in adapter.layers[index].keys {
                adapter.layers[index][target]!.b.value = Tensor.normal(adapter.layers[index][target]!.b.shape, std: 0.3, using: &random)
            }
        }
        model.adapters["p"] = adapter
        let tokenizer = try Tokenizer(json: try TinyLlama.tokenizerJSON)
        let policy = try LlamaPreferencePolicy(model: model, tokenizer: tokenizer, adapterName: "p")
        #expect(Set(policy.trainableParameters.keys) == [
            "base_model.model.model.layers.0.self_attn.q_proj.lora_A.weight",
            "base_model.model.model.layers.0.self_attn.q_proj.lora_B.weight",
            "base_model.model.model.layers.0.self_attn.v_proj.lora_A.weight",
            "base_model.model.model.layers.0.self_attn.v_proj.lora_B.weight",
        ])
        let pairs = [
            PreferencePair(id: 1, promptID: 1, prompt: "Question: 2 + 2?\nReasoning:\n", chosen: "2 and 2 is 4.", rejected: "5"),
            PreferencePair(id: 2, promptID: 2, prompt: "Q", chosen: "ab", rejected: "a longer wrong one"),
        ]
        let reference = try policy.referenceLogProbs(pairs)
        #expect(reference.chosen.recordedNodeCount == 0)
        let scores = try model.scoreCompletions(pairs.flatMap { [($0.prompt, $0.chosen), ($0.prompt, $0.rejected)] }
                                                    .map { (prompt: $0.0, completion: $0.1) },
                                                tokenizer: tokenizer, adapter: "p")
        for i in 0..<2 {
            #expect(abs(Double(reference.chosen.value[i]) - scores[2 * i].sum) < 1e-4)
            #expect(abs(Double(reference.rejected.value[i]) - scores[2 * i + 1].sum) < 1e-4)
            #expect(reference.chosenTokenCounts[i] == scores[2 * i].completionTokens.count)
            #expect(reference.rejectedTokenCounts[i] == scores[2 * i + 1].completionTokens.count)
        }
        #expect(reference.chosenTokenCounts[0] == "2 and 2 is 4.".utf8.count + 1)
        var unused = SeededRandom(seed: 0)
        let training = try policy.sequenceLogProbs(pairs, random: &unused)
        #expect(training.chosen.value.isBitwiseEqual(reference.chosen.value))
        #expect(training.chosen.recordedNodeCount > 0)
        #expect(throws: TrainingError.self) { try LlamaPreferencePolicy(model: model, tokenizer: tokenizer, adapterName: "none") }
    }

    /// `TrainStage` on a tiny model: step 1 at ln 2 (a fresh adapter: policy == reference),
    /// metrics and reference rows stored, the adapter saved in PEFT layout, a rerun resaves it
    /// unchanged without training, and a provider without a previous adapter is refused.
    @Test func trainStageTrainsAndSavesTheProviderAdapter() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let session = try TinyLlama.session(in: directory)
        #expect(throws: TrainingError.self) {
            try TrainStage.run(session: session, options: .init(iteration: 1, provider: 2))
        }
        let options = TrainStage.Options(iteration: 1, provider: 1, freshAdapterWhenMissing: true)
        let result = try TrainStage.run(session: session, options: options)
        let saved = ProviderAdapters.directory(session.location, iteration: 1, provider: 1)
        guard case .trained(.finished(let runID, 3), 4, saved) = result else { Issue.record("\(result)"); return }
        let metrics = try session.store.metrics(runID: runID)
        #expect(metrics.map(\.step) == [1, 2, 3])
        #expect(abs((metrics[0].loss ?? 0) - log(2.0)) < 1e-6 && metrics[0].rewardsMargins == 0)
        #expect(try session.store.referenceLogprobs(iteration: 1, provider: 1).count == 4)
        #expect(try session.store.run(id: runID)?.kind == DPOTrainer.runKind)

        let files = try FileManager.default.contentsOfDirectory(atPath: saved.path).sorted()
        #expect(files == ["adapter_config.json", "adapter_model.safetensors"])
        let base = TinyLlama.model()
        let adapter = try LoRAAdapter(contentsOf: saved, for: base)
        #expect(adapter.configuration.rank == 8 && adapter.configuration.targets == [.q, .v])
        #expect(adapter.parameters.contains { $0.name?.hasSuffix("lora_B.weight") == true && $0.value.scalars.contains { $0 != 0 } })
        let bytes = try Data(contentsOf: saved.appendingPathComponent("adapter_model.safetensors"))

        let again = try TrainStage.run(session: session, options: options)
        #expect(again == .trained(.finished(runID: runID, steps: 3), pairs: 4, adapter: saved))
        #expect(try Data(contentsOf: saved.appendingPathComponent("adapter_model.safetensors")) == bytes)
        #expect(try session.store.metrics(runID: runID).count == 3)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: saved.deletingLastPathComponent().path)
        #expect(leftovers == ["provider-1"])
    }
}

extension LlamaTrainingTests {
    /// `collate train` end to end on the tiny session: every provider trains in turn, lines per
    /// step, the adapters land in adapters/iteration-1/.
    @Test func trainCommandTrainsEveryProvider() throws {
        let executable = LabelSurvivesKillTests.executable
        try #require(FileManager.default.isExecutableFile(atPath: executable.path),
                     "build the collate product first (swift build --build-tests)")
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let session = try TinyLlama.session(in: directory)
        func run(_ arguments: [String]) throws -> (status: Int32, output: String) {
            try ChildProcess.run(executable, arguments,
                                 environment: [SessionLocation.environmentVariable: session.location.sessionsDirectory.path])
        }
        let refused = try run(["train", "tiny", "--provider", "1"])
        #expect(refused.status != 0 && refused.output.contains("no adapter from iteration 0"), "\(refused.output)")
        let trained = try run(["train", "tiny", "--steps", "2", "--fresh-adapter"])
        #expect(trained.status == 0, "\(trained.output)")
        for provider in 1...2 {
            #expect(trained.output.contains("provider \(provider): step 2/2 loss"), "\(trained.output)")
            let adapter = ProviderAdapters.directory(session.location, iteration: 1, provider: provider)
            #expect(FileManager.default.fileExists(atPath: adapter.appendingPathComponent("adapter_model.safetensors").path))
        }
        #expect(trained.output.contains("provider 1: step 1/2 loss 0.6931 margins 0.0000 accuracies 0.0000"), "\(trained.output)")
        let bad = try run(["train", "tiny", "--provider", "3"])
        #expect(bad.status != 0 && bad.output.contains("provider 3 is not in 1...2"), "\(bad.output)")
    }
}

extension LlamaTrainingTests {
    /// Issue 4, Must hold, on the tiny Llama: a few DPO steps raise the margins and the
    /// accuracy over the training pairs (measured with the saved adapter against the stored
    /// reference log-probs).
    @Test func aFewStepsOnTheTinyLlamaRaiseMarginsAndAccuracies() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let session = try TinyLlama.session(
            in: directory, dpo: "learning_rate = 0.02\nepochs = 1\nmax_steps = 10\nbatch_size = 2\ncheckpoint_every = 5")
        let result = try TrainStage.run(session: session, options: .init(iteration: 1, provider: 1, freshAdapterWhenMissing: true))
        guard case .trained(.finished(let runID, 10), 4, let saved?) = result else { Issue.record("\(result)"); return }
        var model = TinyLlama.model()
        model.adapters["trained"] = try LoRAAdapter(contentsOf: saved, for: model)
        let tokenizer = try Tokenizer(json: try TinyLlama.tokenizerJSON)
        let pairs = try SessionPreferencePairs.pairs(session: session, iteration: 1, provider: 1)
        let references = try session.store.referenceLogprobs(iteration: 1, provider: 1)
        let beta = session.manifest.dpo.beta
        var margins: [Double] = []
        for pair in pairs {
            let scores = try model.scoreCompletions([(prompt: pair.prompt, completion: pair.chosen),
                                                     (prompt: pair.prompt, completion: pair.rejected)],
                                                    tokenizer: tokenizer, adapter: "trained")
            let reference = try #require(references[pair.id])
            margins.append(beta * ((scores[0].sum - reference.chosenLogp) - (scores[1].sum - reference.rejectedLogp)))
        }
        #expect(margins.allSatisfy { $0 > 0 }, "margins \(margins)")
        let metrics = try session.store.metrics(runID: runID)
        #expect(metrics[0].rewardsMargins == 0 && metrics[0].rewardsAccuracies == 0)
        #expect((metrics.last?.rewardsMargins ?? 0) > 0 && metrics.last?.rewardsAccuracies == 1)
        #expect((metrics.last?.loss ?? 1) < log(2.0))
    }
}
