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
        // A prompt that writes the BOS itself (Llama 3's chat template does) gets no second one.
        let chat = try model.completionTokenIDs(prompt: "<s>ab", completion: "in", tokenizer: fixture.tokenizer())
        #expect(chat.prompt == [bos, 256])
        #expect(try fixture.tokenizer().prependingBOS([bos, 7, bos]) == [bos, 7, bos])
        #expect(try TinyModel.tokenizerFixture.tokenizer().prependingBOS([7]) == [7], "no BOS to add")
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

extension ScoringTests {
    @Test func trainingPathSumsEqualInferenceScores() throws {
        var model = TinyModel.model(tied: false)
        model.adapters["a"] = TinyModel.trainedAdapter(for: model, targets: [.v, .up])
        let tokenizer = try TinyModel.tokenizerFixture.tokenizer()
        let pairs = [(prompt: "ab in", completion: " the ab"), (prompt: "Q", completion: "ter")]
        let scores = try model.scoreCompletions(pairs, tokenizer: tokenizer, adapter: "a")
        let batch = TokenBatch(rows: scores.map { $0.promptTokens + $0.completionTokens })
        let sums = model.sequenceLogProbSums(batch, scoredFrom: scores.map { $0.promptTokens.count }, adapter: "a")
        #expect(sums.shape == [2])
        for (i, score) in scores.enumerated() { #expect(abs(Double(sums.value[i]) - score.sum) < 1e-4) }
    }

    @Test func leftPaddedRowsGiveTheLogitsOfTheRowAlone() {
        let model = TinyModel.model(.qwen2, tied: false, qkvBias: true)
        let row = TinyModel.randomIDs(4, seed: 12)
        let batch = TokenBatch(ids: [0, 0] + row, isToken: [false, false, true, true, true, true], batch: 1)
        #expect(batch.positions == [0, 0, 0, 1, 2, 3])
        let padded = model.trainingLogits(batch).value.scalars
        let vocab = model.config.vocabSize
        #expect(maxAbsDifference(Array(padded[(2 * vocab)...]), model.logits(ids: row).scalars) <= 1e-4)
    }

    @Test func fullFineTuningReachesEveryBaseParameter() {
        let model = TinyModel.model(.qwen2, tied: false, qkvBias: true)
        model.setBaseTrainable(true)
        defer { model.setBaseTrainable(false) }
        let batch = TokenBatch(rows: [TinyModel.randomIDs(5, seed: 1)])
        model.sequenceLogProbSums(batch, scoredFrom: [1]).sum().backward()
        for (name, parameter) in model.namedParameters {
            #expect(parameter.grad.map { $0.scalars.contains { $0 != 0 } } == true, "\(name)")
        }
    }
}
