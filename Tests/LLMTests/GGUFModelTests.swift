import Foundation
import Testing
import TensorCore
@testable import LLM
import TestSupport

/// A tiny random model written as a llama GGUF the way convert_hf_to_gguf.py writes one
/// (ggml dimension order, Q/K rows permuted for ggml's RoPE, tokenizer.ggml.*), then opened
/// with `ModelDirectory`: the config, the tokenizer and the logits must be the original's.
@Suite struct GGUFModelTests {
    let directory = try! TemporaryDirectory()  // a suite property cannot throw; creating a temp dir does not fail in practice

    /// convert_hf_to_gguf.py's `permute`: rows reshaped [heads, 2, D/2, in], axes 1 and 2
    /// swapped, so GGUF row h*D + 2i + j holds HF row h*D + j*D/2 + i.
    static func convertPermute(_ values: [Float], heads: Int, columns: Int) -> [Float] {
        let rows = values.count / columns, headDim = rows / heads
        var out = values
        for h in 0..<heads {
            for j in 0..<2 {
                for i in 0..<headDim / 2 {
                    let hfRow = h * headDim + j * (headDim / 2) + i, ggufRow = h * headDim + 2 * i + j
                    for c in 0..<columns { out[ggufRow * columns + c] = values[hfRow * columns + c] }
                }
            }
        }
        return out
    }

    static func ggufFile(of model: LlamaModel, fixture: TokenizerFixture, pre: String = "gpt-2",
                         chatTemplate: String? = nil) -> GGUFTestFile {
        let config = model.config
        var file = GGUFTestFile()
        file.add("general.architecture", .string("llama"))
        file.add("llama.context_length", .uint32(UInt32(config.maxPositionEmbeddings)))
        file.add("llama.embedding_length", .uint32(UInt32(config.hiddenSize)))
        file.add("llama.block_count", .uint32(UInt32(config.numHiddenLayers)))
        file.add("llama.feed_forward_length", .uint32(UInt32(config.intermediateSize)))
        file.add("llama.attention.head_count", .uint32(UInt32(config.numAttentionHeads)))
        file.add("llama.attention.head_count_kv", .uint32(UInt32(config.numKeyValueHeads)))
        file.add("llama.rope.freq_base", .float32(Float(config.ropeTheta)))
        file.add("llama.attention.layer_norm_rms_epsilon", .float32(Float(config.rmsNormEps)))
        file.add("llama.rope.dimension_count", .uint32(UInt32(config.headDim)))
        let tokens = fixture.vocabulary + fixture.addedTokens.map(\.content)
        let types = fixture.vocabulary.map { _ in Int32(1) } + fixture.addedTokens.map { $0.special ? 3 : 4 }
        file.add("tokenizer.ggml.model", .string("gpt2"))
        file.add("tokenizer.ggml.pre", .string(pre))
        file.add("tokenizer.ggml.tokens", .array(elementType: .string, tokens.map(GGUFValue.string)))
        file.add("tokenizer.ggml.token_type", .array(elementType: .int32, types.map(GGUFValue.int32)))
        file.add("tokenizer.ggml.merges", .array(elementType: .string, fixture.merges.map { .string("\($0.0) \($0.1)") }))
        if let eos = config.eosTokenIDs.first { file.add("tokenizer.ggml.eos_token_id", .uint32(UInt32(eos))) }
        file.add("tokenizer.ggml.add_bos_token", .bool(false))
        if let chatTemplate { file.add("tokenizer.chat_template", .string(chatTemplate)) }
        for (name, variable) in model.namedParameters {
            guard let ggufName = GGUFLlama.ggufName(of: name) else { continue }
            var values = variable.value.scalars
            let shape = variable.shape
            let columns = shape.count == 2 ? shape[1] : 1
            if name.hasSuffix("q_proj.weight") || name.hasSuffix("q_proj.bias") {
                values = convertPermute(values, heads: config.numAttentionHeads, columns: columns)
            } else if name.hasSuffix("k_proj.weight") || name.hasSuffix("k_proj.bias") {
                values = convertPermute(values, heads: config.numKeyValueHeads, columns: columns)
            }
            file.addF32(ggufName, shape: shape, values)
        }
        return file
    }

    @Test(arguments: [true, false])
    func tinyModelThroughGGUFGivesTheSameConfigTokensAndLogProbs(tied: Bool) throws {
        let model = TinyModel.model(tied: tied, seed: 3)
        let url = Self.ggufFile(of: model, fixture: TinyModel.tokenizerFixture).write(to: directory)
        let opened = try ModelDirectory(url: url)
        #expect(opened.gguf != nil && opened.weights == nil)
        #expect(opened.config == TinyModel.config(tied: tied))
        #expect(opened.layout == model.layout)
        let reference = try TinyModel.tokenizerFixture.tokenizer()
        for text in ["the abba<|endoftext|> in", "", "tha 12 ab"] {
            #expect(opened.tokenizer.encode(text) == reference.encode(text), "\(text)")
        }
        let loaded = try LlamaModel(directory: opened)
        for (name, variable) in model.namedParameters {
            #expect(loaded.namedParameters.first { $0.name == name }?.variable.value.scalars == variable.value.scalars, "\(name)")
        }
        let ids = TinyModel.randomIDs(12, seed: 4)
        #expect(loaded.sequenceLogProbs([ids]) == model.sequenceLogProbs([ids]))
        // Half-precision storage of the F32 GGUF rounds, as it does for safetensors.
        let half = try LlamaModel(directory: opened, weightPrecision: .bfloat16)
        #expect(half.matrixStorage == .bfloat16)
    }

    /// Q8_0 blocks of a [rows, columns] matrix (columns a multiple of 32), as ggml's reference
    /// quantizer makes them: d = max|x| / 127 (stored F16), q = round(x / d).
    static func q8_0(_ values: [Float]) -> (bytes: [UInt8], dequantized: [Float]) {
        var bytes: [UInt8] = [], dequantized: [Float] = []
        for start in stride(from: 0, to: values.count, by: 32) {
            let block = values[start..<start + 32]
            let d = (block.map(abs).max() ?? 0) / 127
            let stored = HalfPrecision.float(fromF16: HalfPrecision.f16(from: d))
            let inverse: Float = d == 0 ? 0 : 1 / d
            let q = block.map { Int8(max(-128, min(127, ($0 * inverse).rounded()))) }
            bytes += f16Bytes(d) + q.map { UInt8(bitPattern: $0) }
            dequantized += q.map { Float($0) * stored }
        }
        return (bytes, dequantized)
    }

    /// Every matrix with whole blocks stored as Q8_0 (Q and K quantized after the RoPE permutation, as the
    /// converter does): the loaded model equals the original with each matrix replaced by its
    /// dequantized blocks, to the bit.
    @Test func quantizedMatricesLoadAsTheirDequantizedValues() throws {
        let model = TinyModel.model(tied: false, seed: 11)
        var file = Self.ggufFile(of: model, fixture: TinyModel.tokenizerFixture)
        var expected: [String: [Float]] = [:]
        for index in file.tensors.indices where file.tensors[index].dimensions.count == 2 {
            let tensor = file.tensors[index]
            let values = tensor.data.withUnsafeBytes { raw in (0..<raw.count / 4).map { Float(bitPattern: raw.loadUnaligned(fromByteOffset: 4 * $0, as: UInt32.self)) } }
            // Rows that are not whole blocks (ffn_down's 48 columns) stay F32, as converters do.
            guard tensor.dimensions[0] % 32 == 0 else { expected[tensor.name] = values; continue }
            let (bytes, dequantized) = Self.q8_0(values)
            file.tensors[index].type = GGMLType.q8_0.rawValue
            file.tensors[index].data = bytes
            expected[tensor.name] = dequantized
        }
        let config = model.config
        // The embedding, the head and six matrices per layer are quantized; ffn_down is not.
        #expect(file.tensors.filter { $0.type == GGMLType.q8_0.rawValue }.count == 2 + 6 * config.numHiddenLayers)
        let loaded = try LlamaModel(directory: ModelDirectory(url: file.write(to: directory)))
        var reference = 0
        for (name, variable) in loaded.namedParameters where variable.shape.count == 2 {
            let ggufName = try #require(GGUFLlama.ggufName(of: name))
            var values = try #require(expected[ggufName])
            if let heads = GGUFLlama.permutedHeads(of: name, config: config) {
                // Back to HF row order with the converter's permutation applied the other way.
                var hf = values
                let headDim = variable.shape[0] / heads, columns = variable.shape[1]
                for h in 0..<heads { for j in 0..<2 { for i in 0..<headDim / 2 {
                    let hfRow = h * headDim + j * (headDim / 2) + i, ggufRow = h * headDim + 2 * i + j
                    for c in 0..<columns { hf[hfRow * columns + c] = values[ggufRow * columns + c] }
                } } }
                values = hf
            }
            #expect(variable.value.scalars == values, "\(name)")
            reference += 1
        }
        #expect(reference == 2 + 7 * config.numHiddenLayers)  // embedding, head, 7 matrices per layer
        let original = model.namedParameters.first { $0.name == LlamaWeightLayout.layer(0, "self_attn.q_proj.weight") }
        let quantized = loaded.namedParameters.first { $0.name == LlamaWeightLayout.layer(0, "self_attn.q_proj.weight") }
        #expect(maxAbsDifference(try #require(original).variable.value.scalars, try #require(quantized).variable.value.scalars) < 0.01)
    }

    @Test func importWritesADirectoryThatLoadsTheSameModel() throws {
        let model = TinyModel.model(tied: false, seed: 5)
        var fixture = TinyModel.tokenizerFixture
        fixture.addedTokens += [(content: "<|im_start|>", special: true), (content: "<|im_end|>", special: true)]
        let file = Self.ggufFile(of: model, fixture: fixture, chatTemplate: ChatTemplateTests.smolLM2)
        let checkpointURL = file.write(to: directory)
        let checkpoint = try GGUFCheckpoint(url: checkpointURL)
        let out = directory.url.appendingPathComponent("hf")
        try GGUFImport.write(checkpoint, to: out, dtype: .float32)
        let imported = try ModelDirectory(url: out)
        #expect(imported.config.vocabSize == model.config.vocabSize && !imported.config.tieWordEmbeddings)
        let ids = TinyModel.randomIDs(10, seed: 6)
        #expect(try LlamaModel(directory: imported).sequenceLogProbs([ids]) == model.sequenceLogProbs([ids]))
        // The chat template travels in tokenizer_config.json; the GGUF's own is read directly.
        let fromDirectory = try imported.chatTemplate()
        let fromGGUF = try ModelDirectory(url: checkpointURL).chatTemplate()
        #expect(fromDirectory == fromGGUF && fromGGUF.form == .chatML)
        #expect(fromGGUF.defaultSystem == "You are a helpful AI assistant named SmolLM, trained by Hugging Face")
        let config = try JSONParser.parse(Data(contentsOf: out.appendingPathComponent("tokenizer_config.json"))).objectValue
        #expect(config?["eos_token"]?.stringValue == "<|endoftext|>" && config?["chat_template"]?.stringValue == ChatTemplateTests.smolLM2)
        #expect(try imported.tokenizer.encode("<|im_start|>the ab") == fixture.tokenizer().encode("<|im_start|>the ab"))
        #expect(config?["tokenizer_class"]?.stringValue == "PreTrainedTokenizerFast")
    }

    /// What a session does with a GGUF base (`model = "base.gguf"`): the loader sees a model
    /// there, and the MIFT stage writes its merged model with the GGUF's tokenizer.
    @Test func aGGUFBaseIsPresentAndLendsItsTokenizerToASavedModel() throws {
        let model = TinyModel.model(seed: 8)
        let url = Self.ggufFile(of: model, fixture: TinyModel.tokenizerFixture).write(to: directory, name: "base.gguf")
        #expect(ModelDirectory.isPresent(at: url))
        #expect(!ModelDirectory.isPresent(at: directory.url.appendingPathComponent("absent.gguf")))
        #expect(!ModelDirectory.isPresent(at: directory.url))
        let out = directory.url.appendingPathComponent("mift")
        try LlamaModel(directory: ModelDirectory(url: url)).save(to: out, copyingTokenizerFrom: url)
        #expect(ModelDirectory.isPresent(at: out))
        let saved = try ModelDirectory(url: out)
        let text = "the abba in<|endoftext|>"
        #expect(saved.tokenizer.encode(text) == (try TinyModel.tokenizerFixture.tokenizer()).encode(text))
        let ids = TinyModel.randomIDs(9, seed: 9)
        #expect(try LlamaModel(directory: saved).sequenceLogProbs([ids]) == model.sequenceLogProbs([ids]))
    }

    /// Seeded mutants of the llama.* and tokenizer id values of a valid model file (zero, one,
    /// huge, negative, another type): opening must give a model or an error, never a trap.
    @Test func mutatedModelMetadataThrowsOrOpensNeverCrashes() throws {
        let original = Self.ggufFile(of: TinyModel.model(), fixture: TinyModel.tokenizerFixture)
        let keys = original.metadata.indices.filter { original.metadata[$0].value.intValue != nil || original.metadata[$0].value.doubleValue != nil }
        let replacements: [GGUFValue] = [.uint32(0), .uint32(1), .uint32(3), .uint32(UInt32.max), .uint64(UInt64.max),
                                         .int64(-5), .int32(-1), .float32(.nan), .float32(-1), .string("x"), .bool(true), .uint64(1 << 40)]
        var rng = SeededRandom(seed: 29)
        var opened = 0
        for index in 0..<200 {
            var file = original
            for _ in 0..<(1 + index % 2) {
                file.metadata[keys[rng.integer(below: keys.count)]].value = replacements[rng.integer(below: replacements.count)]
            }
            do {
                let model = try ModelDirectory(url: file.write(to: directory, name: "mutant.gguf"))
                _ = try LlamaModel(directory: model)
                opened += 1
            } catch {
                #expect(!"\(error)".isEmpty)
            }
        }
        #expect(opened > 0 && opened < 200)
    }

    @Test func addBOSAndAddEOSPutTheirTokensAroundAnEncodedText() throws {
        var file = Self.ggufFile(of: TinyModel.model(), fixture: TinyModel.tokenizerFixture)
        let eos = TinyModel.eosID, bos = TinyModel.tokenizerFixture.id("ab")
        file.metadata.removeAll { $0.key == "tokenizer.ggml.add_bos_token" }
        file.add("tokenizer.ggml.bos_token_id", .uint32(UInt32(bos)))
        file.add("tokenizer.ggml.add_bos_token", .bool(true))
        file.add("tokenizer.ggml.add_eos_token", .bool(true))
        let tokenizer = try ModelDirectory(url: file.write(to: directory)).tokenizer
        let plain = tokenizer.encode("the tha")
        #expect(tokenizer.encode("the tha", addSpecialTokens: true) == [bos] + plain + [eos])
        #expect(tokenizer.bosTokenID == bos && !plain.contains(bos))
    }

    @Test func aGGUFWithoutAChatTemplateSaysSoNamingTheFile() throws {
        let url = Self.ggufFile(of: TinyModel.model(), fixture: TinyModel.tokenizerFixture).write(to: directory)
        let opened = try ModelDirectory(url: url)
        #expect(throws: ChatTemplateError(file: "\(url.path) (tokenizer.chat_template)", reason: "the file has no chat template (not a chat model?)")) {
            try opened.chatTemplate()
        }
    }

    @Test func preTokenizerNamesMapToOurPipelines() throws {
        let expected: [(String, String, Normalizer)] = [
            ("gpt-2", TokenizerFixture.gpt2, .none), ("smollm", TokenizerFixture.smolLM2, .none),
            ("llama-bpe", TokenizerFixture.llama3, .none), ("qwen2", TokenizerFixture.qwen2, .nfc),
        ]
        for (pre, preTokenizerJSON, normalizer) in expected {
            let url = Self.ggufFile(of: TinyModel.model(), fixture: TinyModel.tokenizerFixture, pre: pre).write(to: directory, name: "\(pre).gguf")
            let opened = try ModelDirectory(url: url)
            var fixture = TinyModel.tokenizerFixture
            fixture.preTokenizer = preTokenizerJSON
            #expect(opened.tokenizer.preTokenizer == (try fixture.tokenizer()).preTokenizer, "\(pre)")
            #expect(opened.tokenizer.normalizer == normalizer, "\(pre)")
        }
        let unknown = Self.ggufFile(of: TinyModel.model(), fixture: TinyModel.tokenizerFixture, pre: "deepseek-coder").write(to: directory, name: "u.gguf")
        let error = #expect(throws: ModelDirectoryError.self) { try ModelDirectory(url: unknown) }
        #expect(error?.description.contains("tokenizer.ggml.pre \"deepseek-coder\"") == true)
        #expect(error?.description.contains(unknown.path) == true)
    }

    @Test func architectureAndShapeProblemsNameTheKeyOrTensor() throws {
        var other = Self.ggufFile(of: TinyModel.model(), fixture: TinyModel.tokenizerFixture)
        other.metadata[0] = ("general.architecture", .string("gpt2"))
        let path = directory.url.appendingPathComponent("model.gguf").path
        #expect(throws: GGUFError.unsupportedModel(file: path, reason: "general.architecture is \"gpt2\"; only \"llama\" is supported")) {
            try GGUFCheckpoint(url: other.write(to: directory))
        }
        var missing = Self.ggufFile(of: TinyModel.model(), fixture: TinyModel.tokenizerFixture)
        missing.tensors.removeAll { $0.name == "blk.1.ffn_up.weight" }
        #expect(throws: GGUFError.tensorNotFound(file: path, tensor: "blk.1.ffn_up.weight")) { try GGUFCheckpoint(url: missing.write(to: directory)) }
        var shape = Self.ggufFile(of: TinyModel.model(), fixture: TinyModel.tokenizerFixture)
        let index = try #require(shape.tensors.firstIndex { $0.name == "blk.0.attn_v.weight" })
        shape.tensors[index].dimensions = [16, 32]
        #expect(throws: GGUFError.tensorShapeMismatch(file: path, tensor: "blk.0.attn_v.weight", expected: [32, 16], found: [16, 32])) {
            try GGUFCheckpoint(url: shape.write(to: directory))
        }
        var duplicate = TinyModel.tokenizerFixture
        duplicate.addedTokens.append((content: "ab", special: false))
        let twice = Self.ggufFile(of: TinyModel.model(), fixture: duplicate)
        let abID = TinyModel.tokenizerFixture.id("ab"), lastID = duplicate.vocabulary.count + duplicate.addedTokens.count - 1
        #expect(throws: GGUFError.invalidValue(file: path, key: "tokenizer.ggml.tokens", reason: "token \"ab\" appears twice (ids \(abID) and \(lastID))")) {
            try GGUFCheckpoint(url: twice.write(to: directory))
        }
        var key = Self.ggufFile(of: TinyModel.model(), fixture: TinyModel.tokenizerFixture)
        key.metadata.removeAll { $0.key == "llama.block_count" }
        #expect(throws: GGUFError.missingKey(file: path, key: "llama.block_count")) { try GGUFCheckpoint(url: key.write(to: directory)) }
    }
}
