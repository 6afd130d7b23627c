import Foundation
import Testing
import TensorCore
@testable import LLM
import TestSupport

@Suite struct LlamaForwardTests {
    struct Variant: CustomTestStringConvertible, Sendable {
        var type: ModelType, tied: Bool, bias: Bool, scaling: Bool
        var testDescription: String { "\(type) tied=\(tied) bias=\(bias) llama3=\(scaling)" }
        func model() -> LlamaModel { TinyModel.model(type, tied: tied, qkvBias: bias, llama3Scaling: scaling) }
    }
    static let variants = [
        Variant(type: .llama, tied: true, bias: false, scaling: false),
        Variant(type: .llama, tied: false, bias: false, scaling: true),
        Variant(type: .qwen2, tied: false, bias: true, scaling: false),
    ]

    @Test(arguments: variants) func trainingAndInferencePathsAgreeOnAPaddedBatch(_ variant: Variant) {
        let model = variant.model()
        let rows = [TinyModel.randomIDs(9, seed: 3), TinyModel.randomIDs(5, seed: 4)]
        let training = model.trainingLogits(TokenBatch(rows: rows)).value        // [2, 9, V]
        let vocab = model.config.vocabSize
        for (b, row) in rows.enumerated() {
            let alone = model.logits(ids: row).scalars                           // [T, V]
            let batched = Array(training.scalars[(b * 9 * vocab)..<((b * 9 + row.count) * vocab)])
            let difference = maxAbsDifference(batched, alone)
            #expect(difference <= 1e-4, "row \(b): max abs diff \(difference)")
        }
        // Logits are not trivially equal across positions (the test could fail).
        #expect(maxAbsDifference(Array(training.scalars[0..<vocab]), Array(training.scalars[vocab..<(2 * vocab)])) > 1e-3)
    }

    @Test(arguments: variants) func decodingWithTheCacheMatchesTheFullForward(_ variant: Variant) {
        let model = variant.model()
        let ids = TinyModel.randomIDs(8, seed: 5)
        let full = model.logits(ids: ids).scalars
        var cache = KVCache(config: model.config, capacity: 8)
        var stepped = model.logits(ids: Array(ids[0..<3]), cache: &cache).scalars
        for id in ids[3...] { stepped += model.logits(ids: [id], cache: &cache).scalars }
        #expect(cache.length == 8)
        let difference = maxAbsDifference(stepped, full)
        #expect(difference <= 1e-4, "max abs diff \(difference)")
    }

    @Test func lastPositionLogitsAreTheLastRow() {
        let model = TinyModel.model()
        let ids = TinyModel.randomIDs(6, seed: 9)
        var cache = KVCache(config: model.config, capacity: 6)
        let last = model.logits(ids: ids, cache: &cache, positions: .last)
        #expect(last.shape == [1, 1, model.config.vocabSize])
        // The last row alone goes through the matrix-vector kernel, the full forward through the
        // packed GEMM: same maths, a different summation order, so equal up to rounding.
        let full = Array(model.logits(ids: ids).scalars.suffix(model.config.vocabSize))
        let maxDiff = zip(last.scalars, full).map { abs($0 - $1) }.max() ?? .infinity
        #expect(maxDiff <= 1e-5, "max abs diff \(maxDiff)")
    }

    @Test func savedDirectoryReloadsExactlyInF32AndWithinRoundingInBF16() throws {
        let model = TinyModel.model(.qwen2, tied: false, qkvBias: true)
        let directory = try TemporaryDirectory()
        let f32 = directory.url.appendingPathComponent("f32"), bf16 = directory.url.appendingPathComponent("bf16")
        try model.save(to: f32, dtype: .float32, tokenizerJSON: TinyModel.tokenizerFixture.json)
        try model.save(to: bf16, dtype: .bfloat16, tokenizerJSON: TinyModel.tokenizerFixture.json)
        let reloaded = try LlamaModel(directory: try ModelDirectory(url: f32))
        #expect(reloaded.layout.hasQKVBias)
        #expect(reloaded.parameterCount == model.parameterCount)
        for ((name, original), (_, back)) in zip(model.namedParameters, reloaded.namedParameters) {
            #expect(back.value.isBitwiseEqual(original.value), "\(name)")
        }
        let opened = try ModelDirectory(url: bf16)
        #expect(try opened.weights?.info(LlamaWeightLayout.embedding).dtype == .bf16)
        #expect(opened.config.torchDtype == "bfloat16")
        let half = try LlamaModel(directory: opened)
        for ((name, original), (_, back)) in zip(model.namedParameters, half.namedParameters) {
            let rounded = original.value.scalars.map { HalfPrecision.float(fromBF16: HalfPrecision.bf16(from: $0)) }
            #expect(back.value.scalars == rounded, "\(name)")
        }
        #expect(opened.tokenizer.encode("ab<|endoftext|>") == [256, TinyModel.eosID])
    }
}
