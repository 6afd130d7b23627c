import Collate
import TensorCore

/// A tiny but real language model for testing the DPO trainer: a bigram model over a small
/// byte-derived vocabulary, with real log-probs and real gradients through TensorCore.
///
///     token(byte) = 1 + byte % (V - 1),  EOS = 0
///     h_t = dropout(E[x_t])               E [V, D]
///     logits_t = h_t W^T + b              W [V, D], b [V]
///     log pi(completion | prompt) = sum_t log softmax(logits_t)[y_t]
/// where x is the last prompt token followed by the completion, and y is the completion
/// followed by EOS: the completion's tokens and its EOS are the terms of the sum, as with the
/// real model (FORMATS.md).
public final class ToyPreferencePolicy: PreferencePolicy {
    public static let eos = 0
    public let vocabularySize: Int
    public let embedding: Variable   // [V, D]
    public let output: Variable      // [V, D]
    public let bias: Variable        // [V]
    /// Dropout on the embeddings in training mode (draws from the trainer's RNG).
    public let dropoutProbability: Float

    public init(seed: UInt64, vocabularySize: Int = 32, width: Int = 8, dropoutProbability: Float = 0) {
        var random = SeededRandom(seed: seed)
        self.vocabularySize = vocabularySize
        embedding = Variable(Tensor.normal([vocabularySize, width], std: 0.5, using: &random), requiresGrad: true)
        output = Variable(Tensor.normal([vocabularySize, width], std: 0.5, using: &random), requiresGrad: true)
        bias = Variable(Tensor.zeros([vocabularySize]), requiresGrad: true)
        self.dropoutProbability = dropoutProbability
    }

    public var trainableParameters: [String: Variable] {
        ["embedding.weight": embedding, "lm_head.weight": output, "lm_head.bias": bias]
    }

    public func tokens(_ text: String) -> [Int] {
        text.utf8.map { 1 + Int($0) % (vocabularySize - 1) }
    }

    public func sequenceLogProbs(_ pairs: [PreferencePair], random: inout SeededRandom) throws -> PairLogProbs {
        try logProbs(pairs, random: &random, training: true)
    }

    public func referenceLogProbs(_ pairs: [PreferencePair]) throws -> PairLogProbs {
        var unused = SeededRandom(seed: 0)
        return try withNoGrad { try logProbs(pairs, random: &unused, training: false) }
    }

    private func logProbs(_ pairs: [PreferencePair], random: inout SeededRandom, training: Bool) throws -> PairLogProbs {
        guard !pairs.isEmpty else { throw ToyPolicyError.emptyBatch }
        // Every completion of the batch, chosen ones first, as one run of rows.
        var inputs: [Int] = [], targets: [Int] = [], lengths: [Int] = []
        for (prompt, completion) in pairs.map({ ($0.prompt, $0.chosen) }) + pairs.map({ ($0.prompt, $0.rejected) }) {
            let context = tokens(prompt).last ?? Self.eos
            let completionTokens = tokens(completion)
            inputs += [context] + completionTokens
            targets += completionTokens + [Self.eos]
            lengths.append(completionTokens.count + 1)
        }
        var hidden = TensorCore.embedding(embedding, ids: inputs)              // [N, D]
        if training && dropoutProbability > 0 {
            hidden = dropout(hidden, probability: dropoutProbability, using: &random)
        }
        let logits = linear(hidden, weight: output, bias: bias)               // [N, V]
        let perToken = tokenLogProbs(logits: logits, targets: targets)        // [N]
        var sums: [Variable] = []
        var start = 0
        for length in lengths {
            sums.append(perToken.slice(axis: 0, start..<(start + length)).sum().reshaped([1]))
            start += length
        }
        let count = pairs.count
        return PairLogProbs(
            chosen: Variable.concatenate(Array(sums[..<count]), axis: 0),
            rejected: Variable.concatenate(Array(sums[count...]), axis: 0),
            chosenTokenCounts: Array(lengths[..<count]), rejectedTokenCounts: Array(lengths[count...]))
    }
}

public enum ToyPolicyError: Error, Equatable {
    case emptyBatch
}
