import Foundation
import TensorCore

/// Beam search over a batch of `width` rows in one KV cache.
///
/// Each step extends every live beam by every token, keeps the best `2 * width` candidates
/// (score = summed log-probs), moves those ending in a stop token (within the first `width`
/// ranks, as transformers does) to the finished list, and keeps the first `width` others
/// alive. The search ends when `width` hypotheses have finished (early stopping) or after
/// `maxTokens` steps; the best hypothesis is then chosen among the finished ones (or, at
/// the token limit, the finished and the live ones) by summed log-prob, divided by the
/// number of generated tokens (stop token included) when `lengthNormalized`. With width 1
/// this is greedy decoding.
extension LlamaModel {
    struct Hypothesis {
        var tokens: [Int]
        var score: Double
        var stopToken: Int?

        func rank(_ lengthNormalized: Bool) -> Double {
            let length = tokens.count + (stopToken == nil ? 0 : 1)
            return lengthNormalized ? score / Double(max(length, 1)) : score
        }
    }

    func beamSearch(prompt: [Int], width: Int, lengthNormalized: Bool, maxTokens: Int,
                    stops: Set<Int>, adapter: String?) -> GenerationResult {
        precondition(width >= 1, "beam search: width \(width) must be at least 1")
        if maxTokens == 0 { return GenerationResult(tokens: [], finishReason: .maxTokens, logProb: 0) }
        var cache = KVCache(config: config, batch: width, capacity: prompt.count + maxTokens)
        // Every row starts from the prompt; only row 0 is live at first (the others would
        // duplicate it).
        var next = logits(ids: Array((0..<width).map { _ in prompt }.joined()), cache: &cache,
                          adapter: adapter, positions: .last)                     // [W, 1, vocab]
        var beams = (0..<width).map { Hypothesis(tokens: [], score: $0 == 0 ? 0 : -.infinity) }
        var finished: [Hypothesis] = []
        let vocab = config.vocabSize
        for step in 0..<maxTokens {
            // Best 2W (score, beam, token) over all live beams.
            var candidates: [(score: Double, beam: Int, token: Int)] = []
            next.withUnsafeBufferPointer { all in
                for b in 0..<width where beams[b].score > -.infinity {
                    let row = UnsafeBufferPointer(rebasing: all[(b * vocab)..<((b + 1) * vocab)])
                    let lse = Double(Tensor.logSumExp(row))
                    for token in Self.topIndices(row, count: 2 * width) {
                        candidates.append((beams[b].score + Double(row[token]) - lse, b, token))
                    }
                }
            }
            candidates.sort { ($0.score, -$0.beam, -$0.token) > ($1.score, -$1.beam, -$1.token) }
            var alive: [Hypothesis] = [], sources: [Int] = []
            for (rank, candidate) in candidates.prefix(2 * width).enumerated() {
                var hypothesis = beams[candidate.beam]
                hypothesis.score = candidate.score
                if stops.contains(candidate.token) {
                    if rank < width {
                        hypothesis.stopToken = candidate.token
                        finished.append(hypothesis)
                    }
                } else if alive.count < width {
                    hypothesis.tokens.append(candidate.token)
                    alive.append(hypothesis)
                    sources.append(candidate.beam)
                }
            }
            let last = step == maxTokens - 1
            if finished.count >= width || alive.isEmpty || last {
                let pool = finished.count >= width || alive.isEmpty ? finished : finished + alive
                let best = pool.enumerated().max { a, b in
                    (a.element.rank(lengthNormalized), -a.offset) < (b.element.rank(lengthNormalized), -b.offset)
                }!.element
                return GenerationResult(tokens: best.tokens,
                                        finishReason: best.stopToken.map { .stopToken($0) } ?? .maxTokens,
                                        logProb: best.score)
            }
            // Pad the live set to W rows with dead copies so the cache batch stays fixed.
            while alive.count < width {
                var dead = alive[0]
                dead.score = -.infinity
                alive.append(dead)
                sources.append(sources[0])
            }
            cache.selectRows(sources)
            beams = alive
            next = logits(ids: beams.map { $0.tokens.last! }, cache: &cache, adapter: adapter)
        }
        preconditionFailure("beam search: the loop returns at its last step")
    }

    /// Indices of the `count` largest entries, largest first (ties: lower index first).
    static func topIndices(_ row: UnsafeBufferPointer<Float>, count: Int) -> [Int] {
        var top: [Int] = []
        top.reserveCapacity(count + 1)
        for i in 0..<row.count {
            if top.count == count, row[i] <= row[top[count - 1]] { continue }
            var position = top.count
            while position > 0 && row[top[position - 1]] < row[i] { position -= 1 }
            top.insert(i, at: position)
            if top.count > count { top.removeLast() }
        }
        return top
    }
}
