import TensorCore

/// One sequence to continue in a batch: its prompt (token ids, used as given), decoding
/// options (strategy and seed, stop set, max tokens) and adapter (nil: the base).
public struct GenerationRequest: Sendable, Equatable {
    public var prompt: [Int]
    public var options: GenerationOptions
    public var adapter: String?

    public init(prompt: [Int], options: GenerationOptions, adapter: String? = nil) {
        self.prompt = prompt
        self.options = options
        self.adapter = adapter
    }
}

extension LlamaModel {
    /// Continues every request, up to `batchSize` at once in one forward pass per step
    /// (ragged: each its own length, adapter, decoding, stop set and max tokens). A finished
    /// sequence's slot takes the next waiting request at the next step, whose prompt is
    /// prefilled in the same pass as the others' decode tokens (continuous batching); the
    /// KV cache is allocated once, `batchSize` slots of the longest request.
    ///
    /// Each result equals `generate(prompt:options:adapter:)` of that request alone (tokens,
    /// finish reason and log-prob, bit for bit) whatever else shares the batch and whatever
    /// `batchSize` is. Beam-search requests run one by one on the single-sequence path.
    ///
    /// `onToken(request, token)` is called with each new token of each request as it is
    /// chosen (not the stop token); `.stop` ends that request alone. `onFinish(request,
    /// result)` is called the moment a request is done. Results come back in request order.
    public func generate(batch requests: [GenerationRequest], batchSize: Int,
                         onToken: (_ request: Int, _ token: Int) -> GenerationControl = { _, _ in .continue },
                         onFinish: (_ request: Int, _ result: GenerationResult) -> Void = { _, _ in }) -> [GenerationResult] {
        precondition(batchSize > 0, "generate(batch:): batch size \(batchSize) must be positive")
        var results = [GenerationResult?](repeating: nil, count: requests.count)
        var waiting: [Int] = []
        for (index, request) in requests.enumerated() {
            precondition(!request.prompt.isEmpty, "generate: the prompt must hold at least one token (add BOS for an empty text)")
            if case .beam = request.options.strategy {
                let result = generate(prompt: request.prompt, options: request.options, adapter: request.adapter) { onToken(index, $0) }
                results[index] = result
                onFinish(index, result)
            } else if maxNewTokens(request) == 0 {
                let result = GenerationResult(tokens: [], finishReason: .maxTokens, logProb: 0)
                results[index] = result
                onFinish(index, result)
            } else {
                waiting.append(index)
            }
        }
        guard !waiting.isEmpty else { return results.map { $0! } }
        let slots = min(batchSize, waiting.count)
        let capacity = waiting.map { requests[$0].prompt.count + maxNewTokens(requests[$0]) }.max()!
        var cache = BatchKVCache(config: config, slots: slots, capacity: capacity)
        var rows = [DecodingRow?](repeating: nil, count: slots)
        var next = 0
        while true {
            var segments: [RaggedSegment] = []
            var stepRows: [Int] = []
            for slot in 0..<slots {
                if rows[slot] == nil, next < waiting.count {
                    let index = waiting[next]
                    next += 1
                    cache.reset(slot: slot)
                    rows[slot] = DecodingRow(request: index, options: requests[index].options,
                                             stops: requests[index].options.stopTokenIDs ?? Set(config.eosTokenIDs),
                                             maxTokens: maxNewTokens(requests[index]))
                    segments.append(RaggedSegment(slot: slot, tokens: requests[index].prompt, adapter: requests[index].adapter))
                    stepRows.append(slot)
                } else if let row = rows[slot], let last = row.tokens.last {
                    segments.append(RaggedSegment(slot: slot, tokens: [last], adapter: requests[row.request].adapter))
                    stepRows.append(slot)
                }
            }
            if segments.isEmpty { break }
            let logits = raggedLogits(segments, cache: &cache)                  // [segments, vocab]
            let vocab = config.vocabSize
            logits.withUnsafeBufferPointer { all in
                for (r, slot) in stepRows.enumerated() {
                    let row = UnsafeBufferPointer(rebasing: all[(r * vocab)..<((r + 1) * vocab)])
                    guard var state = rows[slot] else { continue }
                    let request = state.request
                    if let result = state.advance(row, onToken: { onToken(request, $0) }) {
                        results[state.request] = result
                        onFinish(state.request, result)
                        rows[slot] = nil
                    } else {
                        rows[slot] = state
                    }
                }
            }
        }
        return results.map { $0! }
    }

    /// New tokens a request may produce: its max, capped by the context left after the prompt.
    func maxNewTokens(_ request: GenerationRequest) -> Int {
        max(0, min(request.options.maxTokens, contextLength - request.prompt.count))
    }
}

/// One sequence being decoded in a batch: what it has produced and how it chooses.
struct DecodingRow {
    let request: Int
    let options: GenerationOptions
    let stops: Set<Int>
    let maxTokens: Int
    var sampler: TokenSampler?
    var tokens: [Int] = []
    var logProb = 0.0

    init(request: Int, options: GenerationOptions, stops: Set<Int>, maxTokens: Int) {
        self.request = request
        self.options = options
        self.stops = stops
        self.maxTokens = maxTokens
        if case .sample(_, _, _, let seed) = options.strategy { sampler = TokenSampler(seed: seed) }
    }

    /// Chooses the next token from `row` (the logits after the last one) as
    /// `generate(prompt:options:adapter:)` does; returns the result when the sequence is done.
    mutating func advance(_ row: UnsafeBufferPointer<Float>, onToken: (Int) -> GenerationControl) -> GenerationResult? {
        let token: Int
        if case .sample(let temperature, let topK, let topP, _) = options.strategy, sampler != nil {
            token = sampler!.sample(row, temperature: temperature, topK: topK, topP: topP)
        } else {
            token = TokenSampler.argmax(row)
        }
        logProb += Double(row[token]) - Double(Tensor.logSumExp(row))
        if stops.contains(token) { return GenerationResult(tokens: tokens, finishReason: .stopToken(token), logProb: logProb) }
        tokens.append(token)
        if onToken(token) == .stop { return GenerationResult(tokens: tokens, finishReason: .stopped, logProb: logProb) }
        if tokens.count >= maxTokens { return GenerationResult(tokens: tokens, finishReason: .maxTokens, logProb: logProb) }
        return nil
    }
}
