import Foundation
import Testing
@testable import LLM

/// A completion's log-probs do not depend on what else is scored in the same call: the score
/// stage batches a chunk of prompts, and a resumed run chunks them differently.
@Suite struct ScoringInvarianceTests {
    @Test func aPairScoresTheSameBitForBitAloneAndBesideOthers() throws {
        let model = TinyModel.model()
        let tokenizer = try TinyModel.tokenizerFixture.tokenizer()
        // Longer than a SIMD width of keys, so the attention and GEMM tails are exercised.
        let pair = (prompt: String(repeating: "ab in th er ", count: 4), completion: "in ab th")
        let alone = try model.scoreCompletions([pair], tokenizer: tokenizer)[0].tokenLogProbs
        let longer = (prompt: String(repeating: "ab in ", count: 30), completion: "ab")
        for batch in [[pair, longer], [longer, pair, (prompt: "a", completion: "b")], [pair, pair]] {
            let index = try #require(batch.firstIndex { $0 == pair })
            let beside = try model.scoreCompletions(batch, tokenizer: tokenizer)[index].tokenLogProbs
            #expect(beside == alone, "batch of \(batch.count)")
        }
    }
}
