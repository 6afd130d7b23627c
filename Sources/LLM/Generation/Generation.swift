import Foundation
import TensorCore

/// What generation reports to its streaming callback: continue or stop now.
public enum GenerationControl: Sendable { case `continue`, stop }

/// Why generation ended.
public enum FinishReason: Sendable, Equatable {
    /// An end-of-sequence id was produced (it is not part of `tokens`).
    case stopToken(Int)
    case maxTokens
    /// The callback answered `.stop`.
    case stopped
}

public struct GenerationOptions: Sendable, Equatable {
    public var maxTokens: Int
    public var strategy: DecodingStrategy
    /// Generation ends when any of these is produced (default: the config's EOS ids).
    public var stopTokenIDs: Set<Int>?

    public init(maxTokens: Int, strategy: DecodingStrategy = .greedy, stopTokenIDs: Set<Int>? = nil) {
        self.maxTokens = maxTokens
        self.strategy = strategy
        self.stopTokenIDs = stopTokenIDs
    }
}

public struct GenerationResult: Sendable, Equatable {
    /// New tokens, without the prompt and without the stop token.
    public var tokens: [Int]
    public var finishReason: FinishReason
    /// Sum of the log-probs of the chosen tokens (stop token included), under the model's
    /// distribution before temperature/top-k/top-p.
    public var logProb: Double
}

extension LlamaModel {
    /// Continues `prompt` (token ids, used as given) with the adapter `adapter` (nil: base).
    /// Greedy and sampled decoding call `onToken` with each new token as it is chosen (the
    /// stop token is not reported); beam search reports the winning hypothesis' tokens once
    /// it is known. Answering `.stop` ends generation.
    public func generate(prompt: [Int], options: GenerationOptions, adapter: String? = nil,
                         onToken: (Int) -> GenerationControl = { _ in .continue }) -> GenerationResult {
        precondition(!prompt.isEmpty, "generate: the prompt must hold at least one token (add BOS for an empty text)")
        let stops = options.stopTokenIDs ?? Set(config.eosTokenIDs)
        let maxTokens = max(0, min(options.maxTokens, contextLength - prompt.count))
        if case .beam(let width, let normalized) = options.strategy {
            let result = beamSearch(prompt: prompt, width: width, lengthNormalized: normalized,
                                    maxTokens: maxTokens, stops: stops, adapter: adapter)
            for (index, token) in result.tokens.enumerated() where onToken(token) == .stop {
                return GenerationResult(tokens: Array(result.tokens[...index]), finishReason: .stopped, logProb: result.logProb)
            }
            return result
        }
        var sampler: TokenSampler? = nil
        if case .sample(_, _, _, let seed) = options.strategy { sampler = TokenSampler(seed: seed) }
        var cache = KVCache(config: config, batch: 1, capacity: prompt.count + max(maxTokens, 1))
        var tokens: [Int] = []
        var logProb = 0.0
        if maxTokens == 0 { return GenerationResult(tokens: [], finishReason: .maxTokens, logProb: 0) }
        var next = logits(ids: prompt, cache: &cache, adapter: adapter, positions: .last)   // [1, 1, vocab]
        while true {
            let (token, tokenLogProb) = next.withUnsafeBufferPointer { row -> (Int, Double) in
                let token: Int
                switch options.strategy {
                case .sample(let temperature, let topK, let topP, _):
                    token = sampler!.sample(row, temperature: temperature, topK: topK, topP: topP)
                default:
                    token = TokenSampler.argmax(row)
                }
                return (token, Double(row[token]) - Double(Tensor.logSumExp(row)))
            }
            logProb += tokenLogProb
            if stops.contains(token) { return GenerationResult(tokens: tokens, finishReason: .stopToken(token), logProb: logProb) }
            tokens.append(token)
            if onToken(token) == .stop { return GenerationResult(tokens: tokens, finishReason: .stopped, logProb: logProb) }
            if tokens.count >= maxTokens { return GenerationResult(tokens: tokens, finishReason: .maxTokens, logProb: logProb) }
            next = logits(ids: [token], cache: &cache, adapter: adapter)
        }
    }
}

extension Tensor {
    /// log(sum(exp(row))) of one row, stable (in Double).
    static func logSumExp(_ row: UnsafeBufferPointer<Float>) -> Float {
        var m = -Float.infinity
        for x in row where x > m { m = x }
        if m == -.infinity { return m }
        var total = 0.0
        for x in row { total += Foundation.exp(Double(x - m)) }
        return m + Float(Foundation.log(total))
    }
}
