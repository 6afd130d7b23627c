import Foundation
import Testing
import TensorCore
@testable import LLM

@Suite struct ScoringTests {
    @Test func completionScoresEqualLogSoftmaxOfTheFullForward() throws {
        let model = TinyModel.model(.qwen2, tied: false, qkvBias: true)
        let tokenizer = try TinyModel.tokenizerFixture.tokenizer()
        let pairs = [(prompt: "Q: ab?", completion: " the answer"), (prompt: "in", completion: "ter ab ab")]
        let scores = try model.scoreCompletions(pairs, tokenizer: tokenizer)
        let vocab = model.config.vocabSize
        for (pair, score) in zip(pairs, scores) {
            #expect(score.promptTokens == tokenizer.encode(pair.prompt))             // no BOS post-processor
            #expect(score.completionTokens == tokenizer.encode(pair.completion) + [TinyModel.eosID])
            let ids = score.promptTokens + score.completionTokens
            let logits = model.logits(ids: ids).scalars
            for (i, token) in score.completionTokens.enumerated() {
                let position = score.promptTokens.count + i - 1
                let row = logits[(position * vocab)..<((position + 1) * vocab)]
                let m = row.max()!
                let lse = Double(m) + Foundation.log(row.reduce(0.0) { $0 + Foundation.exp(Double($1 - m)) })
                #expect(abs(Double(score.tokenLogProbs[i]) - (Double(row[row.startIndex + token]) - lse)) < 1e-4)
            }
            #expect(abs(score.mean - score.sum / Double(score.completionTokens.count)) < 1e-12)
        }
    }

    @Test func bosIsAddedOnlyWhenThePostProcessorAddsIt() throws {
        var fixture = TinyModel.tokenizerFixture
        fixture.addedTokens.append((content: "<s>", special: true))
        let bos = fixture.id("<s>")
        fixture.postProcessor = #"{"type": "TemplateProcessing", "single": [{"SpecialToken": {"id": "<s>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}], "pair": [], "special_tokens": {"<s>": {"id": "<s>", "ids": [\#(bos)], "tokens": ["<s>"]}}}"#
        let model = TinyModel.model()
        let ids = try model.completionTokenIDs(prompt: "ab", completion: "in", tokenizer: fixture.tokenizer())
        #expect(ids.prompt == [bos, 256] && ids.completion == [fixture.id("in"), TinyModel.eosID])
    }

    @Test func modelWithoutEOSCannotScore() throws {
        var config = TinyModel.config()
        config.eosTokenIDs = []
        let model = LlamaModel(randomConfig: config, seed: 1)
        #expect(throws: ScoringError.noEOSToken(configFile: "config.json")) {
            try model.scoreCompletions([(prompt: "a", completion: "b")], tokenizer: try TinyModel.tokenizerFixture.tokenizer())
        }
    }
}
