import TensorCore

/// Why a completion cannot be scored.
public enum ScoringError: Error, Sendable, Equatable, CustomStringConvertible {
    case noEOSToken(configFile: String)
    case emptySequence

    public var description: String {
        switch self {
        case .noEOSToken(let file): "\(file): eos_token_id is missing; scoring appends EOS to every completion"
        case .emptySequence: "cannot score an empty token sequence"
        }
    }
}

/// The log-probability of one completion given its prompt.
public struct CompletionScore: Sendable, Equatable {
    /// [bos]? + encode(prompt)
    public var promptTokens: [Int]
    /// encode(completion) + [eos]
    public var completionTokens: [Int]
    /// log p(completionTokens[i] | everything before it), one per completion token.
    public var tokenLogProbs: [Float]

    /// Sum over the completion's tokens and the EOS.
    public var sum: Double { tokenLogProbs.reduce(0) { $0 + Double($1) } }
    /// `sum` divided by the number of completion tokens (EOS included).
    public var mean: Double { tokenLogProbs.isEmpty ? 0 : sum / Double(tokenLogProbs.count) }
}

extension LlamaModel {
    /// The token-boundary rule of FORMATS.md (TRL's): prompt and completion encoded
    /// separately, BOS first only when the tokenizer's post-processor adds one, EOS (the
    /// config's first eos id) always appended to the completion.
    public func completionTokenIDs(prompt: String, completion: String,
                                   tokenizer: Tokenizer) throws(ScoringError) -> (prompt: [Int], completion: [Int]) {
        guard let eos = config.eosTokenIDs.first else { throw .noEOSToken(configFile: "config.json") }
        return (tokenizer.prependingBOS(tokenizer.encode(prompt)), tokenizer.encode(completion) + [eos])
    }

    /// Per-token log-probs of whole sequences, batched (right-padded, masked): entry t-1 of
    /// row i is log p(ids[t] | ids[..<t]) for t >= 1 (the first token has none).
    public func sequenceLogProbs(_ sequences: [[Int]], adapter: String? = nil) -> [[Float]] {
        let batch = TokenBatch(rows: sequences)
        guard batch.batch > 0, batch.length > 0 else { return sequences.map { _ in [] } }
        var cache = KVCache(config: config, batch: batch.batch, capacity: batch.length)
        let logits = logits(ids: batch.ids, isToken: batch.hasPadding ? batch.isToken : nil,
                            cache: &cache, adapter: adapter)                      // [B, T, vocab]
        let (b, t) = (batch.batch, batch.length)
        // Row (i, p) predicts token p + 1 of sequence i.
        var targets = [Int](repeating: 0, count: b * t), mask = [Bool](repeating: false, count: b * t)
        for (i, sequence) in sequences.enumerated() where sequence.count > 1 {
            for p in 0..<(sequence.count - 1) {
                targets[i * t + p] = sequence[p + 1]
                mask[i * t + p] = true
            }
        }
        let logProbs = tokenLogProbs(logits: logits.reshaped([b * t, config.vocabSize]), targets: targets, mask: mask).scalars
        return sequences.enumerated().map { i, sequence in
            Array(logProbs[(i * t)..<(i * t + max(sequence.count - 1, 0))])
        }
    }

    /// Scores each (prompt, completion) pair in one padded batch.
    public func scoreCompletions(_ pairs: [(prompt: String, completion: String)], tokenizer: Tokenizer,
                                 adapter: String? = nil) throws(ScoringError) -> [CompletionScore] {
        var split: [(prompt: [Int], completion: [Int])] = []
        for pair in pairs { split.append(try completionTokenIDs(prompt: pair.prompt, completion: pair.completion, tokenizer: tokenizer)) }
        if split.contains(where: { $0.prompt.isEmpty }) { throw .emptySequence }
        let all = sequenceLogProbs(split.map { $0.prompt + $0.completion }, adapter: adapter)
        return zip(split, all).map { ids, logProbs in
            CompletionScore(promptTokens: ids.prompt, completionTokens: ids.completion,
                            tokenLogProbs: Array(logProbs.suffix(ids.completion.count)))
        }
    }
}
