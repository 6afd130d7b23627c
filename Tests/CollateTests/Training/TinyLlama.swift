import Foundation
import LLM
@testable import Collate
import TestSupport

/// A tiny random Llama on disk for the train stage: hidden 16, one layer, a byte-level
/// tokenizer with one merge (ids 0..255 are bytes, 256 is "ab", 257 `<|endoftext|>`, the EOS).
enum TinyLlama {
    static let eos = 257

    static var config: ModelConfig {
        ModelConfig(modelType: .llama, vocabSize: 260, hiddenSize: 16, intermediateSize: 24, numHiddenLayers: 1,
                    numAttentionHeads: 2, numKeyValueHeads: 1, rmsNormEps: 1e-5, tieWordEmbeddings: true,
                    maxPositionEmbeddings: 512, eosTokenIDs: [eos])
    }

    static func model(seed: UInt64 = 1) -> LlamaModel {
        LlamaModel(randomConfig: config, seed: seed, initializerRange: 0.2)
    }

    static var tokenizerJSON: String {
        get throws {
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
    }

    /// Writes the model (config.json, tokenizer.json, model.safetensors) into `directory`.
    static func write(to directory: URL, seed: UInt64 = 1) throws {
        try model(seed: seed).save(to: directory, tokenizerJSON: try tokenizerJSON)
    }

    /// A session whose manifest points at a tiny model in `model/`, with `count` training
    /// prompts, rationales of providers 1 and 2 in iteration 1 and auto labels (provider 1
    /// chosen) on each; no provider distinction, so every provider trains on every pair.
    static func session(in directory: TemporaryDirectory, prompts count: Int = 4,
                        dpo: String = "learning_rate = 0.01\nepochs = 1\nmax_steps = 3\nbatch_size = 2\ncheckpoint_every = 1")
        throws -> Session {
        let location = try SessionLocation(name: "tiny", sessionsDirectory: directory.url.appendingPathComponent("sessions"))
        _ = try Session.create(location, data: TaskDataSpec(format: .gsm8k, train: "t.jsonl"))
        var text = try String(contentsOf: location.manifest, encoding: .utf8)
        let defaults = "learning_rate = 5e-05\nepochs = 1\n# max_steps = 100              # stops after this many steps when set\nbatch_size = 4\ncheckpoint_every = 50          # steps"
        let dpoDefaults = "[dpo]\nbeta = 0.1\nloss = \"sigmoid\"               # sigmoid | ipo | hinge\n" + defaults
        guard text.contains(dpoDefaults), text.contains("no_provider_distinction = false") else {
            throw StoreError.corrupt("the default manifest changed: update TinyLlama.session")
        }
        text = text.replacingOccurrences(of: dpoDefaults, with: "[dpo]\nbeta = 0.1\nloss = \"sigmoid\"\n" + dpo)
            .replacingOccurrences(of: "no_provider_distinction = false", with: "no_provider_distinction = true")
        try Data(text.utf8).write(to: location.manifest)
        try write(to: location.resolve("model"))
        let session = try Session.open(location)
        try session.store.write { db in
            for line in 1...count {
                var prompt = PromptRecord(split: .train, instruction: "What is \(line) + \(line)?", goldRationale: nil,
                                          goldAnswer: "\(2 * line)", options: nil, sourceFile: "t.jsonl",
                                          sourceLine: line, sourceHash: "h\(line)")
                try prompt.insert(db)
            }
        }
        for prompt in Int64(1)...Int64(count) {
            _ = try session.store.saveGeneration(GenerationRecord(
                promptId: prompt, iteration: 1, provider: 1, text: "\(prompt) and \(prompt) make \(2 * prompt).", tokenCount: 5))
            _ = try session.store.saveGeneration(GenerationRecord(
                promptId: prompt, iteration: 1, provider: 2, text: "It is \(prompt * 3), I think", tokenCount: 5))
            try session.store.writeAutoLabel(promptID: prompt, iteration: 1, decision: PairDecision(
                chosen: ScoredCandidate(provider: 1, score: 0.6), rejected: ScoredCandidate(provider: 2, score: 0.2),
                baseline: 0.3, kept: true))
        }
        return session
    }
}
