import Foundation
import Testing
import TensorCore
@testable import LLM

@Suite struct GenerationTests {
    let model = TinyModel.model(tied: false)
    let prompt = [256, 72, 105, 32]

    @Test func greedyIsDeterministicAndStopsAtAStopToken() {
        let free = model.generate(prompt: prompt, options: GenerationOptions(maxTokens: 8, stopTokenIDs: []))
        #expect(free.tokens.count == 8 && free.finishReason == .maxTokens)
        #expect(model.generate(prompt: prompt, options: GenerationOptions(maxTokens: 8, stopTokenIDs: [])) == free)
        // Each greedy token is the arg-max of the full forward over what precedes it.
        let logits = model.logits(ids: prompt + free.tokens)
        let vocab = model.config.vocabSize
        for (i, token) in free.tokens.enumerated() {
            let row = Array(logits.scalars[((prompt.count + i - 1) * vocab)..<((prompt.count + i) * vocab)])
            #expect(row.indices.max { row[$0] < row[$1] } == token)
        }
        // Declaring the third token a stop token ends generation there, without it.
        let stop = free.tokens[2]
        let stopped = model.generate(prompt: prompt, options: GenerationOptions(maxTokens: 8, stopTokenIDs: [stop]))
        let firstStop = free.tokens.firstIndex(of: stop)!
        #expect(stopped.tokens == Array(free.tokens[..<firstStop]) && stopped.finishReason == .stopToken(stop))
    }

    @Test func streamingReportsEachTokenAndCanStop() {
        var streamed: [Int] = []
        let result = model.generate(prompt: prompt, options: GenerationOptions(maxTokens: 8, stopTokenIDs: [])) { token in
            streamed.append(token)
            return streamed.count == 3 ? .stop : .continue
        }
        #expect(result.tokens == streamed && streamed.count == 3 && result.finishReason == .stopped)
    }

    @Test func samplingIsReproducibleFromItsSeed() {
        func run(_ seed: UInt64, topK: Int = 0, topP: Float = 1, temperature: Float = 1.5) -> [Int] {
            model.generate(prompt: prompt, options: GenerationOptions(
                maxTokens: 10, strategy: .sample(temperature: temperature, topK: topK, topP: topP, seed: seed), stopTokenIDs: [])).tokens
        }
        #expect(run(1) == run(1))
        #expect(run(1) != run(2))
        let greedy = model.generate(prompt: prompt, options: GenerationOptions(maxTokens: 10, stopTokenIDs: [])).tokens
        #expect(run(5, topK: 1) == greedy)
        #expect(run(5, topP: 1e-6) == greedy)
        #expect(run(5, temperature: 0) == greedy)
    }

    @Test func topKAndTopPKeepOnlyTheirCandidates() {
        let logits: [Float] = [2, 1, 0.5, 3, -1]
        var sampler = TokenSampler(seed: 3)
        logits.withUnsafeBufferPointer { row in
            for _ in 0..<200 {
                #expect([3, 0].contains(sampler.sample(row, temperature: 1, topK: 2, topP: 1)))
                // softmax: p(3) = 0.63, p(0) = 0.23: top-p 0.8 keeps exactly those two.
                #expect([3, 0].contains(sampler.sample(row, temperature: 1, topK: 0, topP: 0.8)))
            }
        }
    }

    @Test func beamSearchWithOneBeamIsGreedy() {
        for stops in [Set<Int>(), [7, 99]] {
            let greedy = model.generate(prompt: prompt, options: GenerationOptions(maxTokens: 6, stopTokenIDs: stops))
            let beam = model.generate(prompt: prompt, options: GenerationOptions(maxTokens: 6, strategy: .beam(width: 1, lengthNormalized: true), stopTokenIDs: stops))
            #expect(beam.tokens == greedy.tokens && beam.finishReason == greedy.finishReason)
            #expect(abs(beam.logProb - greedy.logProb) < 1e-4)
        }
    }

    @Test func wideBeamFindsAtLeastTheGreedyScoreOnFixedLength() {
        let options = { (width: Int) in GenerationOptions(maxTokens: 4, strategy: .beam(width: width, lengthNormalized: false), stopTokenIDs: []) }
        let one = model.generate(prompt: prompt, options: options(1))
        let four = model.generate(prompt: prompt, options: options(4))
        #expect(four.tokens.count == 4 && four.logProb >= one.logProb - 1e-6)
        // Its reported score is the sequence's log-prob under the full forward.
        let direct = model.sequenceLogProbs([prompt + four.tokens])[0].suffix(4).reduce(0) { $0 + Double($1) }
        #expect(abs(direct - four.logProb) < 1e-3)
    }
}
