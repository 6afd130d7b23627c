import Foundation
import TensorCore
@testable import LLM

/// Tiny random models for tests: hidden 32, 2 layers, 4 query heads over 2 KV heads, a
/// byte-level tokenizer of ~270 tokens with `<|endoftext|>` as EOS. Built in memory from a
/// seed, no files needed (save them with `model.save(to:tokenizerJSON:)`).
enum TinyModel {
    static let tokenizerFixture = TokenizerFixture(
        merges: [("a", "b"), ("Ġ", "t"), ("Ġt", "h"), ("e", "r"), ("i", "n"), ("Ġ", "a")],
        addedTokens: [(content: "<|endoftext|>", special: true)])
    static var eosID: Int { tokenizerFixture.id("<|endoftext|>") }

    static func config(_ type: ModelType = .llama, tied: Bool = true, llama3Scaling: Bool = false) -> ModelConfig {
        ModelConfig(
            modelType: type, vocabSize: 300, hiddenSize: 32, intermediateSize: 48, numHiddenLayers: 2,
            numAttentionHeads: 4, numKeyValueHeads: 2, rmsNormEps: 1e-5, ropeTheta: 10000,
            ropeScaling: llama3Scaling ? Llama3RopeScaling(factor: 8, lowFreqFactor: 1, highFreqFactor: 4,
                                                           originalMaxPositionEmbeddings: 16) : nil,
            tieWordEmbeddings: tied, maxPositionEmbeddings: 128, eosTokenIDs: [eosID])
    }

    /// Larger init than transformers' 0.02 so logits differ visibly between tokens.
    static func model(_ type: ModelType = .llama, tied: Bool = true, qkvBias: Bool = false,
                      llama3Scaling: Bool = false, seed: UInt64 = 1) -> LlamaModel {
        LlamaModel(randomConfig: config(type, tied: tied, llama3Scaling: llama3Scaling), qkvBias: qkvBias,
                   seed: seed, initializerRange: 0.2)
    }

    /// An adapter with non-zero B (a trained one), on the given targets.
    static func trainedAdapter(for model: LlamaModel, targets: Set<LoRATarget> = Set(LoRATarget.allCases),
                               rank: Int = 4, alpha: Float = 8, rsLoRA: Bool = false, seed: UInt64 = 7) -> LoRAAdapter {
        var adapter = LoRAAdapter(for: model, configuration: LoRAConfiguration(rank: rank, alpha: alpha, targets: targets, useRSLoRA: rsLoRA), seed: seed)
        var rng = SeededRandom(seed: seed + 1)
        for index in adapter.layers.indices {
            for target in adapter.layers[index].keys.sorted() {   // sorted: Dictionary order differs per instance
                adapter.layers[index][target]!.b.value = Tensor.normal(adapter.layers[index][target]!.b.shape, std: 0.3, using: &rng)
            }
        }
        return adapter
    }

    static func randomIDs(_ count: Int, seed: UInt64) -> [Int] {
        var rng = SeededRandom(seed: seed)
        return (0..<count).map { _ in rng.integer(below: 260) }
    }
}

/// Largest |a - b| over two equally long arrays (infinity when the lengths differ).
func maxAbsDifference(_ a: [Float], _ b: [Float]) -> Float {
    guard a.count == b.count else { return .infinity }
    return zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) }
}
