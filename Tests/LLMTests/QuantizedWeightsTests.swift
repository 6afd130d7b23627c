import Foundation
import Testing
import TensorCore
@testable import LLM
import TestSupport

/// Quantized weights kept in memory: a GGUF whose matrices are Q8_0 / Q4_0 / Q4_1 loaded
/// with `.asStored` holds its blocks (never dequantized at load) and gives the log-probs of
/// the same file loaded dequantized to Float32, within 1e-3 per token, through the packed
/// GEMM (scoring a sequence) and the matrix-vector kernel (decoding token by token);
/// `--weights q8_0` quantizes any checkpoint's matrices as ggml does.
@Suite struct QuantizedWeightsTests {
    let directory = try! TemporaryDirectory()  // a suite property cannot throw; creating a temp dir does not fail in practice

    static func model(tied: Bool) -> LlamaModel { TinyModel.model(tied: tied, seed: 21) }

    /// The tiny model as a GGUF with every matrix whose rows are whole blocks stored in
    /// `type` (quantized after the RoPE permutation, as the converter does); returns the
    /// file and the GGUF blocks by tensor name.
    func quantizedFile(_ model: LlamaModel, _ type: GGMLType, _ encoding: ScalarEncoding) -> (URL, [String: [UInt8]]) {
        var file = GGUFModelTests.ggufFile(of: model, fixture: TinyModel.tokenizerFixture)
        var blocks: [String: [UInt8]] = [:]
        for index in file.tensors.indices where file.tensors[index].dimensions.count == 2 {
            let tensor = file.tensors[index]
            guard tensor.dimensions[0] % 32 == 0 else { continue }
            let values = tensor.data.withUnsafeBytes { raw in
                (0..<raw.count / 4).map { Float(bitPattern: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self)) }
            }
            let bytes = Tensor(values, shape: [Int(tensor.dimensions[1]), Int(tensor.dimensions[0])])
                .stored(as: encoding).littleEndianBytes(encoding: encoding)
            file.tensors[index].type = type.rawValue
            file.tensors[index].data = bytes
            blocks[tensor.name] = bytes
        }
        return (file.write(to: directory, name: "\(type.name).gguf"), blocks)
    }

    static let formats: [(GGMLType, ScalarEncoding)] = [(.q8_0, .q8_0), (.q4_0, .q4_0), (.q4_1, .q4_1)]

    @Test(arguments: [true, false])
    func storedBlocksGiveTheDequantizedModelsLogProbs(tied: Bool) throws {
        let model = Self.model(tied: tied)
        for (type, encoding) in Self.formats {
            let (url, blocks) = quantizedFile(model, type, encoding)
            let opened = try ModelDirectory(url: url)
            let kept = try LlamaModel(directory: opened, weightPrecision: .asStored)
            let wide = try LlamaModel(directory: opened, weightPrecision: .float32)
            // Every matrix with whole-block rows kept as its blocks; ffn_down (48 columns) is F32.
            for (name, variable) in kept.namedParameters where variable.shape.count == 2 {
                let expected: ScalarEncoding = variable.shape[1] % 32 == 0 ? encoding : .float32
                #expect(variable.value.storageEncoding == expected, "\(type.name) \(name)")
                let dequantized = try #require(wide.namedParameters.first { $0.name == name }).variable.value
                #expect(variable.value.scalars == dequantized.scalars, "\(type.name) \(name)")
            }
            // Unpermuted Q rows are the file's rows moved whole; V's bytes are the file's.
            let v = try #require(kept.namedParameters.first { $0.name == LlamaWeightLayout.layer(1, "self_attn.v_proj.weight") })
            #expect(v.variable.value.littleEndianBytes(encoding: encoding) == blocks["blk.1.attn_v.weight"])
            let q = try #require(kept.namedParameters.first { $0.name == LlamaWeightLayout.layer(0, "self_attn.q_proj.weight") })
            let rowBytes = model.config.hiddenSize / 32 * encoding.blockBytes
            let fileQ = try #require(blocks["blk.0.attn_q.weight"])
            #expect(q.variable.value.littleEndianBytes(encoding: encoding)
                    == GGUFLlama.unpermutedRows(fileQ, heads: model.config.numAttentionHeads, columns: rowBytes))

            let ids = TinyModel.randomIDs(14, seed: 8)
            let quantizedLogProbs = kept.sequenceLogProbs([ids])[0], floatLogProbs = wide.sequenceLogProbs([ids])[0]
            #expect(maxAbsDifference(quantizedLogProbs, floatLogProbs) <= 1e-3, "\(type.name) tied \(tied)")
            // The quantized model differs from the unquantized original (the test can fail).
            #expect(maxAbsDifference(quantizedLogProbs, model.sequenceLogProbs([ids])[0]) > 1e-4)
            // Token by token: the matrix-vector kernel and the quantized embedding rows.
            var keptCache = KVCache(config: kept.config, capacity: 6), wideCache = keptCache
            for id in [7, 250, 3, 3, 0, 299] {
                let a = kept.logits(ids: [id], cache: &keptCache).scalars, b = wide.logits(ids: [id], cache: &wideCache).scalars
                #expect(maxAbsDifference(logSoftmax(a), logSoftmax(b)) <= 1e-3, "\(type.name) token \(id)")
            }
        }
    }

    func logSoftmax(_ logits: [Float]) -> [Float] {
        let top = logits.max() ?? 0
        let total = logits.reduce(0) { $0 + exp($1 - top) }
        return logits.map { $0 - top - log(total) }
    }

    @Test func q8_0PrecisionQuantizesEveryWholeBlockMatrix() throws {
        let model = Self.model(tied: false)
        let quantized = model.withWeightPrecision(.q8_0)
        #expect(quantized.matrixStorage == nil)  // ffn_down's 48-column rows stay Float32
        for (name, variable) in quantized.namedParameters {
            let expected: ScalarEncoding = variable.shape.count == 2 && variable.shape[1] % 32 == 0 ? .q8_0 : .float32
            #expect(variable.value.storageEncoding == expected, "\(name)")
        }
        let dequantized = quantized.withWeightPrecision(.float32)
        let ids = TinyModel.randomIDs(10, seed: 2)
        #expect(maxAbsDifference(quantized.sequenceLogProbs([ids])[0], dequantized.sequenceLogProbs([ids])[0]) <= 1e-3)
        // Loading a safetensors checkpoint as q8_0 gives the same blocks as quantizing in memory.
        try model.save(to: directory.url, tokenizerJSON: TinyModel.tokenizerFixture.json)
        let loaded = try LlamaModel(directory: ModelDirectory(url: directory.url), weightPrecision: .q8_0)
        let name = LlamaWeightLayout.layer(0, "mlp.up_proj.weight")
        let a = try #require(loaded.namedParameters.first { $0.name == name }).variable.value
        let b = try #require(quantized.namedParameters.first { $0.name == name }).variable.value
        #expect(a.littleEndianBytes(encoding: .q8_0) == b.littleEndianBytes(encoding: .q8_0))
        // safetensors cannot hold blocks: saving as Q8_0 is refused, F32 dequantizes.
        #expect(throws: QuantizedSaveError.self) {
            try quantized.save(to: directory.url.appendingPathComponent("q8"), dtype: .q8_0, tokenizerJSON: "{}")
        }
    }

    /// A Q4_1 GGUF loaded as `.q8_0`: its Q4_1 matrices are requantized from their
    /// dequantized values (not kept), and a Q8_0 file's blocks are kept exactly.
    @Test func q8_0PrecisionOnAGGUF() throws {
        let model = Self.model(tied: true)
        let (q41, _) = quantizedFile(model, .q4_1, .q4_1)
        let requantized = try LlamaModel(directory: ModelDirectory(url: q41), weightPrecision: .q8_0)
        let wide = try LlamaModel(directory: ModelDirectory(url: q41), weightPrecision: .float32)
        let name = LlamaWeightLayout.layer(1, "mlp.gate_proj.weight")
        let held = try #require(requantized.namedParameters.first { $0.name == name }).variable.value
        let floats = try #require(wide.namedParameters.first { $0.name == name }).variable.value
        #expect(held.storageEncoding == .q8_0)
        #expect(held.littleEndianBytes(encoding: .q8_0) == floats.stored(as: .q8_0).littleEndianBytes(encoding: .q8_0))
        let (q8, blocks) = quantizedFile(model, .q8_0, .q8_0)
        let kept = try LlamaModel(directory: ModelDirectory(url: q8), weightPrecision: .q8_0)
        let embedding = try #require(kept.namedParameters.first { $0.name == LlamaWeightLayout.embedding }).variable.value
        #expect(embedding.littleEndianBytes(encoding: .q8_0) == blocks["token_embd.weight"])
    }
}
