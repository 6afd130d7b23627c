@testable import Collate  // PairDecision's initialiser: auto labels without a scoring run
import Foundation
import LLM

/// A session with a model on disk, for the real job runner: a tiny random Llama (hidden 16,
/// one layer, a byte-level tokenizer) saved in HF layout as `model/`, five prompts imported
/// (the importer holds some out for validation and test), on the train ones both providers' rationales and auto labels (provider 1 chosen), DPO at 3 steps a run with
/// a checkpoint every step. No provider distinction: each provider trains on every pair.
struct TinyModelSession {
    let root: URL
    let session: Session
    /// The train split's prompt ids.
    private(set) var trainIDs: [Int64] = []
    static let eos = 257

    /// `rationales` false leaves the generations and labels to the generate and score jobs.
    init(rationales: Bool = true) throws {
        root = FileManager.default.temporaryDirectory
            .appendingPathComponent("collate-tiny-\(UUID().uuidString)", isDirectory: true)
        let location = try SessionLocation(name: "tiny", sessionsDirectory: root.appendingPathComponent("sessions"))
        let data = TaskDataSpec(format: .gsm8k, train: "data/train.jsonl")
        let lines = (1...5).map { n in "{\"question\": \"What is \(n) + \(n)?\", \"answer\": \"#### \(2 * n)\"}" }
        try FileManager.default.createDirectory(at: location.folder.appendingPathComponent("data"),
                                                withIntermediateDirectories: true)
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: location.resolve("data/train.jsonl"))
        _ = try Session.create(location, data: data)
        var text = try String(contentsOf: location.manifest, encoding: .utf8)
        let defaults = "learning_rate = 5e-05\nepochs = 1\n# max_steps = 100              # stops after this many steps when set\nbatch_size = 4\ncheckpoint_every = 50          # steps"
        guard text.contains(defaults), text.contains("no_provider_distinction = false") else {
            throw StoreError.corrupt("the default manifest changed: update TinyModelSession")
        }
        text = text.replacingOccurrences(of: defaults, with: "learning_rate = 0.01\nepochs = 1\nmax_steps = 3\nbatch_size = 2\ncheckpoint_every = 1")
            .replacingOccurrences(of: "no_provider_distinction = false", with: "no_provider_distinction = true")
            .replacingOccurrences(of: "validation_size = 500", with: "validation_size = 1")
        // Short rationales keep generation quick in a debug build.
        text = text.replacing(try Regex("max_new_tokens = [0-9]+"), with: "max_new_tokens = 6")
        try Data(text.utf8).write(to: location.manifest)
        let config = ModelConfig(modelType: .llama, vocabSize: 260, hiddenSize: 16, intermediateSize: 24,
                                 numHiddenLayers: 1, numAttentionHeads: 2, numKeyValueHeads: 1, rmsNormEps: 1e-5,
                                 tieWordEmbeddings: true, maxPositionEmbeddings: 512, eosTokenIDs: [Self.eos])
        try LlamaModel(randomConfig: config, seed: 1, initializerRange: 0.2)
            .save(to: location.resolve("model"), tokenizerJSON: try Self.tokenizerJSON())
        session = try Session.open(location)
        _ = try TaskImporter.importData(manifest: session.manifest, location: location, store: session.store,
                                        policy: .fail)
        trainIDs = try session.store.prompts(split: .train).compactMap(\.id)
        guard rationales else { return }
        for prompt in trainIDs {
            _ = try session.store.saveGeneration(GenerationRecord(
                promptId: prompt, iteration: 1, provider: 1, text: "\(prompt) and \(prompt) make \(2 * prompt).", tokenCount: 5))
            _ = try session.store.saveGeneration(GenerationRecord(
                promptId: prompt, iteration: 1, provider: 2, text: "It is \(prompt * 3), I think", tokenCount: 5))
            try session.store.writeAutoLabel(promptID: prompt, iteration: 1, decision: PairDecision(
                chosen: ScoredCandidate(provider: 1, score: 0.6), rejected: ScoredCandidate(provider: 2, score: 0.2),
                baseline: 0.3, kept: true))
        }
    }

    /// Bytes 0..255 as GPT-2's byte-level stand-ins, one merge ("ab" = 256), EOS 257.
    static func tokenizerJSON() throws -> String {
        var vocabulary: [String: Int] = [:]
        for (byte, scalar) in ByteLevelAlphabet.scalarOfByte.enumerated() { vocabulary[String(scalar)] = byte }
        vocabulary["ab"] = 256
        let vocab = String(decoding: try JSONEncoder().encode(vocabulary), as: UTF8.self)
        return """
            {"version": "1.0", "truncation": null, "padding": null,
             "added_tokens": [{"id": \(eos), "content": "<|endoftext|>", "single_word": false, "lstrip": false,
                               "rstrip": false, "normalized": false, "special": true}],
             "normalizer": null,
             "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": true},
             "post_processor": null,
             "decoder": {"type": "ByteLevel", "add_prefix_space": true, "trim_offsets": true, "use_regex": true},
             "model": {"type": "BPE", "dropout": null, "unk_token": null, "continuing_subword_prefix": null,
                       "end_of_word_suffix": null, "fuse_unk": false, "byte_fallback": false,
                       "ignore_merges": false, "vocab": \(vocab), "merges": ["a b"]}}
            """
    }

    /// The DPO runs of the iteration, by provider.
    func runs() throws -> [Int: RunRecord] {
        var runs: [Int: RunRecord] = [:]
        for provider in 1...2 {
            runs[provider] = try session.store.latestRun(kind: DPOTrainer.runKind, iteration: 1, provider: provider)
        }
        return runs
    }

    func remove() { try? FileManager.default.removeItem(at: root) }
}
