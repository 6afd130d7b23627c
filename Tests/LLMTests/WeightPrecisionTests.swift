import Foundation
import Testing
import TensorCore
@testable import LLM
import TestSupport

/// 16-bit weight storage: a model whose matrices stay F16/BF16 in memory gives the logits of
/// the Float32 model built from the same (widened) values: the kernels widen in registers
/// and keep the Float32 path's summation order, so the results are bitwise equal.
@Suite struct WeightPrecisionTests {
    @Test(arguments: [ScalarEncoding.float16, .bfloat16])
    func sixteenBitCheckpointAsStoredMatchesItsWidenedLoad(encoding: ScalarEncoding) throws {
        let model = TinyModel.model(.qwen2, tied: false, qkvBias: true)
        let directory = try TemporaryDirectory()
        try model.save(to: directory.url, dtype: encoding, tokenizerJSON: TinyModel.tokenizerFixture.json)
        let opened = try ModelDirectory(url: directory.url)
        let narrow = try LlamaModel(directory: opened, weightPrecision: .asStored)
        let wide = try LlamaModel(directory: opened, weightPrecision: .float32)
        #expect(narrow.matrixStorage == encoding && wide.matrixStorage == .float32)
        #expect(narrow.layers[0].inputNorm.value.storageEncoding == .float32)
        #expect(narrow.layers[0].qBias?.value.storageEncoding == .float32)
        let ids = TinyModel.randomIDs(13, seed: 5)
        #expect(narrow.logits(ids: ids).isBitwiseEqual(wide.logits(ids: ids)))   // packed GEMM path
        // Decoding token by token: the matrix-vector path, and the 16-bit embedding rows.
        let options = GenerationOptions(maxTokens: 8, stopTokenIDs: [])
        #expect(narrow.generate(prompt: [5, 9, 200], options: options) == wide.generate(prompt: [5, 9, 200], options: options))
        var narrowCache = KVCache(config: narrow.config, capacity: 4), wideCache = narrowCache
        for id in [7, 250, 3] {
            let a = narrow.logits(ids: [id], cache: &narrowCache), b = wide.logits(ids: [id], cache: &wideCache)
            #expect(a.isBitwiseEqual(b))
        }
        // Saved again in the same dtype, the words come back unchanged.
        let again = directory.url.appendingPathComponent("again")
        try narrow.save(to: again, dtype: encoding, tokenizerJSON: TinyModel.tokenizerFixture.json)
        let reopened = try ModelDirectory(url: again)
        for name in [LlamaWeightLayout.embedding, LlamaWeightLayout.layer(1, "mlp.down_proj.weight")] {
            #expect(Array(try #require(reopened.weights).rawBytes(name)) == Array(try #require(opened.weights).rawBytes(name)), "\(name)")
        }
    }

    @Test func float32ModelNarrowedOnLoadOrInMemoryAgrees() throws {
        let model = TinyModel.model(.llama, tied: true)
        let directory = try TemporaryDirectory()
        try model.save(to: directory.url, dtype: .float32, tokenizerJSON: TinyModel.tokenizerFixture.json)
        let opened = try ModelDirectory(url: directory.url)
        let ids = TinyModel.randomIDs(9, seed: 11)
        let reference = model.logits(ids: ids).scalars
        var differences: [Float] = []
        for precision in [WeightPrecision.float16, .bfloat16] {
            let loaded = try LlamaModel(directory: opened, weightPrecision: precision)
            let converted = model.withWeightPrecision(precision)
            #expect(loaded.matrixStorage == precision.storage(forStored: .float32))
            #expect(loaded.embedding.value.storageEncoding == (precision == .float16 ? .float16 : .bfloat16))
            #expect(loaded.logits(ids: ids).isBitwiseEqual(converted.logits(ids: ids)))
            differences.append(maxAbsDifference(loaded.logits(ids: ids).scalars, reference))
        }
        // Rounding the weights moves the logits a little, not a lot (init range 0.2), and
        // F16's 10-bit mantissa less than BF16's 7-bit one.
        #expect(differences[0] > 0 && differences[0] < 1e-2 && differences[1] < 5e-2, "\(differences)")
        #expect(differences[0] < differences[1], "\(differences)")
        #expect(try LlamaModel(directory: opened, weightPrecision: .asStored).matrixStorage == .float32)
    }

    @Test func loraTrainsOverFrozenSixteenBitBase() {
        // The same adapter step over a BF16 base and over the Float32 copy of those values:
        // the input gradients through the frozen 16-bit matrices are the same.
        let base = TinyModel.model(.llama, tied: true).withWeightPrecision(.bfloat16)
        let wide = base.withWeightPrecision(.float32)
        var gradients: [[Float]] = []
        for var model in [base, wide] {
            model.adapters["a"] = TinyModel.trainedAdapter(for: model, targets: [.q, .v, .down])
            let batch = TokenBatch(rows: [TinyModel.randomIDs(7, seed: 2), TinyModel.randomIDs(5, seed: 3)])
            model.sequenceLogProbSums(batch, scoredFrom: [2, 2], adapter: "a").sum().backward()
            gradients.append(model.adapters["a"]!.parameters.flatMap { $0.grad?.scalars ?? [] })
            #expect(model.namedParameters.allSatisfy { $0.variable.grad == nil })
        }
        // Same values, same kernels' summation order: bitwise equal.
        #expect(!gradients[0].isEmpty && gradients[0] == gradients[1], "\(maxAbsDifference(gradients[0], gradients[1]))")
        #expect(base.matrixStorage == .bfloat16)   // the frozen base stayed 16-bit
    }
}
