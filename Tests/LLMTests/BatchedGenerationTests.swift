import Foundation
import Testing
import TensorCore
@testable import LLM

/// Batched (ragged, multi-LoRA, continuously refilled) decoding against the single-sequence
/// `generate`: every request's tokens, finish reason and log-prob equal decoding it alone,
/// bit for bit, whatever shares its batch and whatever the batch size.
@Suite struct BatchedGenerationTests {
    static let model: LlamaModel = {
        var model = TinyModel.model(tied: false, qkvBias: true)
        model.adapters["a"] = TinyModel.trainedAdapter(for: model, targets: [.q, .v], seed: 7)
        model.adapters["b"] = TinyModel.trainedAdapter(for: model, seed: 21)
        return model
    }()
    var model: LlamaModel { Self.model }

    /// An odd mix: prompt lengths 1, 7 and 100 among others, the base and two adapters,
    /// greedy and sampled rows, stop sets that end some rows early, max tokens 1 to 20.
    static let requests: [GenerationRequest] = {
        let lengths = [1, 7, 100, 3, 12, 1, 40, 5, 7, 2, 64, 9, 1, 30, 6, 17, 4, 11, 8, 25]
        let adapters: [String?] = [nil, "a", "b"]
        return lengths.enumerated().map { i, length in
            let strategy: DecodingStrategy = i % 3 == 1 ? .sample(temperature: 1.3, topK: i % 2 == 0 ? 0 : 20, topP: 0.95, seed: UInt64(i))
                : .greedy
            let maxTokens = [20, 1, 9, 14, 3, 20, 6][i % 7]
            // Some rows stop on frequent byte tokens, so they finish at different steps.
            let stops: Set<Int> = i % 4 == 0 ? [] : Set((0..<12).map { (i * 13 + $0 * 7) % 260 })
            return GenerationRequest(prompt: TinyModel.randomIDs(length, seed: UInt64(100 + i)),
                                     options: GenerationOptions(maxTokens: maxTokens, strategy: strategy, stopTokenIDs: stops),
                                     adapter: adapters[i % 3])
        }
    }()

    func alone(_ request: GenerationRequest) -> GenerationResult {
        model.generate(prompt: request.prompt, options: request.options, adapter: request.adapter)
    }

    @Test(arguments: [1, 3, 17])
    func batchedEqualsEachRequestAloneBitForBit(batchSize: Int) {
        var finished: [Int] = []
        let batched = model.generate(batch: Self.requests, batchSize: batchSize, onFinish: { index, _ in finished.append(index) })
        for (index, request) in Self.requests.enumerated() {
            let single = alone(request)
            #expect(batched[index] == single, "request \(index) (prompt \(request.prompt.count), \(request.adapter ?? "base"))")
            #expect(batched[index].logProb.bitPattern == single.logProb.bitPattern)
        }
        #expect(Set(finished) == Set(Self.requests.indices) && finished.count == Self.requests.count)
        // Rows really finish at different steps (and slots are refilled): not all equally long.
        #expect(Set(batched.map(\.tokens.count)).count > 3)
        #expect(batched.contains { if case .stopToken = $0.finishReason { true } else { false } })
    }

    @Test func aRequestsResultDoesNotDependOnItsNeighbours() {
        let target = Self.requests[2]                    // the 100-token prompt, adapter "b"
        let alone = model.generate(batch: [target], batchSize: 1)[0]
        let others = Array(Self.requests.prefix(9))
        for batchSize in [2, 5, 9] {
            // The same request at another position, among other prompts and adapters.
            var mix = others
            mix.insert(target, at: batchSize / 2)
            let result = model.generate(batch: mix, batchSize: batchSize)[batchSize / 2]
            #expect(result == alone && result.logProb.bitPattern == alone.logProb.bitPattern)
        }
    }

    @Test func streamingReportsEveryRowsTokensAndStopsOneRow() {
        let requests = Array(Self.requests.prefix(6)).map { request -> GenerationRequest in
            var request = request
            request.options.stopTokenIDs = []
            request.options.maxTokens = 8
            return request
        }
        var streamed = [[Int]](repeating: [], count: requests.count)
        let results = model.generate(batch: requests, batchSize: 4, onToken: { index, token in
            streamed[index].append(token)
            return index == 3 && streamed[index].count == 2 ? .stop : .continue
        })
        for index in requests.indices {
            #expect(results[index].tokens == streamed[index])
            if index == 3 {
                #expect(results[index].finishReason == .stopped && results[index].tokens.count == 2)
                #expect(Array(alone(requests[index]).tokens.prefix(2)) == results[index].tokens)
            } else {
                #expect(results[index] == alone(requests[index]))
            }
        }
    }

    @Test func beamAndZeroTokenRequestsKeepTheirSinglePathResults() {
        let beam = GenerationRequest(prompt: [256, 72, 105, 32], options: GenerationOptions(
            maxTokens: 5, strategy: .beam(width: 3, lengthNormalized: true), stopTokenIDs: []), adapter: "a")
        let empty = GenerationRequest(prompt: [5, 6], options: GenerationOptions(maxTokens: 0))
        let results = model.generate(batch: [Self.requests[0], beam, empty, Self.requests[1]], batchSize: 2)
        #expect(results[1] == alone(beam))
        #expect(results[2] == GenerationResult(tokens: [], finishReason: .maxTokens, logProb: 0))
        #expect(results[0] == alone(Self.requests[0]) && results[3] == alone(Self.requests[1]))
    }

    @Test func raggedLogitsOfEveryPositionEqualTheSingleForward() {
        // Three prompts prefilled together (with adapters), then one more token each.
        let prompts = [TinyModel.randomIDs(9, seed: 1), TinyModel.randomIDs(1, seed: 2), TinyModel.randomIDs(23, seed: 3)]
        let adapters: [String?] = ["b", nil, "a"]
        var cache = BatchKVCache(config: model.config, slots: 3, capacity: 30)
        let segments = (0..<3).map { RaggedSegment(slot: $0, tokens: prompts[$0], adapter: adapters[$0]) }
            .sorted { $0.tokens.count > 1 && $1.tokens.count == 1 }
        let all = model.raggedLogits(segments, cache: &cache, allPositions: true)
        let vocab = model.config.vocabSize
        var offset = 0
        for segment in segments {
            let single = model.logits(ids: segment.tokens, adapter: segment.adapter)        // [T, vocab]
            let rows = all.scalars[(offset * vocab)..<((offset + segment.tokens.count) * vocab)]
            #expect(rows.map(\.bitPattern) == single.scalars.map(\.bitPattern), "slot \(segment.slot)")
            offset += segment.tokens.count
        }
        #expect(cache.lengths == [9, 1, 23])
        // A decode step for each: equals the full forward's last position up to rounding (the
        // single path decodes through the same kernels as this step, the full forward not).
        let step = model.raggedLogits((0..<3).map { RaggedSegment(slot: $0, tokens: [42], adapter: adapters[$0]) }, cache: &cache)
        for slot in 0..<3 {
            let full = model.logits(ids: prompts[slot] + [42], adapter: adapters[slot])
            let last = Array(full.scalars.suffix(vocab)), mine = Array(step.scalars[(slot * vocab)..<((slot + 1) * vocab)])
            #expect(maxAbsDifference(last, mine) < 1e-4)
        }
    }
}
