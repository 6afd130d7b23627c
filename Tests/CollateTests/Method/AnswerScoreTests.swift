import Foundation
import Testing
@testable import Collate

@Suite struct AnswerScoreTests {
    @Test func equalsGeometricMeanOfTokenProbabilities() throws {
        let logprobs: [Float] = [-0.1, -2.5, -0.003, -1.25]
        let score = try AnswerScore(tokenLogprobs: logprobs)
        // Direct: the |A|-th root of the product of the token probabilities.
        let product = logprobs.map { exp(Double($0)) }.reduce(1, *)
        let direct = pow(product, 1.0 / Double(logprobs.count))
        #expect(abs(score.value - direct) < 1e-12)
        #expect(score.tokenCount == 4)
        #expect(abs(score.meanLogprob - Double(logprobs.map(Double.init).reduce(0, +)) / 4) < 1e-15)
    }

    @Test func handComputedValue() throws {
        let score = try AnswerScore(tokenLogprobs: [-0.1, -0.2, -0.3] as [Double])
        #expect(abs(score.meanLogprob - -0.2) < 1e-15)
        #expect(abs(score.value - 0.8187307530779818) < 1e-15)
        #expect(try AnswerScore(tokenLogprobs: [0] as [Double]).value == 1)
        #expect(try AnswerScore(tokenLogprobs: [2e-7, -1] as [Double]).meanLogprob == -0.5)
    }

    @Test func rejectsEmptyAndInvalidLogprobs() {
        #expect(throws: MethodError.self) { try AnswerScore(tokenLogprobs: [] as [Double]) }
        #expect(throws: MethodError.self) { try AnswerScore(tokenLogprobs: [-1, .nan] as [Double]) }
        #expect(throws: MethodError.self) { try AnswerScore(tokenLogprobs: [0.5] as [Double]) }
        #expect(throws: MethodError.self) { try AnswerScore(tokenLogprobs: [-.infinity] as [Double]) }
    }
}
