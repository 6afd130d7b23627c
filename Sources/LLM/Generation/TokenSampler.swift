import Foundation
import TensorCore

/// How the next token is chosen from a logits row.
public enum DecodingStrategy: Sendable, Equatable {
    /// The arg-max (the first one on ties).
    case greedy
    /// Sampling as transformers does: logits / temperature, keep the top-k (0: all), then the
    /// smallest set whose probability reaches topP (1: all), renormalise, draw with `seed`.
    case sample(temperature: Float, topK: Int, topP: Float, seed: UInt64)
    /// Beam search with `width` beams. Hypotheses are ranked by the sum of their token
    /// log-probs (EOS included) divided by their length when `lengthNormalized` (the HF
    /// default, length_penalty 1), by the plain sum otherwise.
    case beam(width: Int, lengthNormalized: Bool)
}

/// Picks tokens from logits rows for greedy and sampled decoding (a seeded generator, so a
/// run is reproducible).
struct TokenSampler {
    var rng: SeededRandom

    init(seed: UInt64) { rng = SeededRandom(seed: seed) }

    static func argmax(_ row: UnsafeBufferPointer<Float>) -> Int {
        var best = 0
        for i in 1..<row.count where row[i] > row[best] { best = i }
        return best
    }

    mutating func sample(_ row: UnsafeBufferPointer<Float>, temperature: Float, topK: Int, topP: Float) -> Int {
        if temperature <= 0 { return Self.argmax(row) }
        // Candidates: the top k by descending logit (partial selection), or all of them,
        // sorted only when top-p needs the order (ties: lower id first, deterministic).
        var order: [Int]
        if topK > 0 && topK < row.count {
            order = LlamaModel.topIndices(row, count: topK)
        } else if topP < 1 {
            order = Array(0..<row.count)
            order.sort { row[$0] > row[$1] || (row[$0] == row[$1] && $0 < $1) }
        } else {
            order = Array(0..<row.count)
        }
        var maxLogit = -Float.infinity
        for index in order where row[index] > maxLogit { maxLogit = row[index] }
        maxLogit /= temperature
        var weights = order.map { Double(Foundation.exp(row[$0] / temperature - maxLogit)) }
        let total = weights.reduce(0, +)
        if topP < 1 {
            // Keep the shortest prefix whose mass reaches topP (at least one token).
            var mass = 0.0, keep = 0
            while keep < weights.count {
                mass += weights[keep] / total
                keep += 1
                if mass >= Double(topP) { break }
            }
            order.removeSubrange(keep...)
            weights.removeSubrange(keep...)
        }
        let kept = weights.reduce(0, +)
        var threshold = rng.uniform() * kept
        for (index, weight) in weights.enumerated() {
            threshold -= weight
            if threshold < 0 { return order[index] }
        }
        return order[order.count - 1]
    }
}
