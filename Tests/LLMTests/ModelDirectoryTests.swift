import Foundation
import Testing
@testable import LLM
import TestSupport

@Suite struct ModelDirectoryTests {
    let directory = try! TemporaryDirectory()  // a suite property cannot throw; creating a temp dir does not fail in practice

    static let tiny = ModelConfig(
        modelType: .llama, vocabSize: 300, hiddenSize: 8, intermediateSize: 12, numHiddenLayers: 2,
        numAttentionHeads: 4, numKeyValueHeads: 2, eosTokenIDs: [0])

    /// Writes config.json, tokenizer.json and model.safetensors with the tensors `layout`
    /// names, minus `omit`, with `override` replacing one tensor's shape.
    func writeModel(
        _ config: ModelConfig, qkvBias: Bool = false, dtype: SafetensorsDType = .bf16,
        omit: String? = nil, override: (name: String, shape: [Int])? = nil, extra: [String] = []
    ) throws {
        _ = directory.file("config.json", text: config.jsonText())
        _ = directory.file("tokenizer.json", text: TokenizerFixture(merges: [("a", "b")]).json)
        let layout = LlamaWeightLayout(config: config, hasQKVBias: qkvBias)
        var tensors: [SafetensorsTensor] = []
        for (name, shape) in layout.tensors + extra.map({ ($0, [8]) }) where name != omit {
            let shape = override.flatMap { $0.name == name ? $0.shape : nil } ?? shape
            let count = shape.reduce(1, *)
            tensors.append(SafetensorsTensor(name: name, dtype: dtype, shape: shape, floats: (0..<count).map { Float($0 % 7) * 0.25 }))
        }
        try SafetensorsWriter.write(tensors, metadata: ["format": "pt"], to: directory.url.appendingPathComponent("model.safetensors"))
    }

    @Test func loadsATiedLlamaAndCountsParameters() throws {
        var config = Self.tiny
        config.tieWordEmbeddings = true
        try writeModel(config)
        let model = try ModelDirectory(url: directory.url)
        #expect(model.config == config)
        #expect(!model.layout.hasQKVBias)
        #expect(model.weights?.contains(LlamaWeightLayout.lmHead) == false)
        // embed 300*8 + 2 layers * (2*8 norms + q 8*8 + k 4*8 + v 4*8 + o 8*8 + 3 * 12*8) + norm 8
        let perLayer = 16 + 64 + 32 + 32 + 64 + 3 * 96
        #expect(model.layout.parameterCount == 2400 + 2 * perLayer + 8)
        #expect(try model.weights?.floats(LlamaWeightLayout.finalNorm) == (0..<8).map { Float($0 % 7) * 0.25 })
        #expect(model.tokenizer.encode("ab") == [256])
    }

    @Test func untiedModelNeedsItsHead() throws {
        try writeModel(Self.tiny, omit: LlamaWeightLayout.lmHead)
        #expect(throws: ModelDirectoryError.missingTensor(directory: directory.url.path, tensor: "lm_head.weight")) {
            try ModelDirectory(url: directory.url)
        }
    }

    @Test func qwen2BiasesAreDetectedByTheirTensors() throws {
        var config = Self.tiny
        config.modelType = .qwen2
        try writeModel(config, qkvBias: true)
        let model = try ModelDirectory(url: directory.url)
        #expect(model.layout.hasQKVBias)
        #expect(!model.layout.hasOutputBias)
        #expect(try model.weights?.info(LlamaWeightLayout.layer(1, "self_attn.k_proj.bias")).shape == [4])
    }

    @Test func biasInLayerZeroOnlyIsAMissingTensorInLayerOne() throws {
        try writeModel(Self.tiny, qkvBias: true, omit: LlamaWeightLayout.layer(1, "self_attn.v_proj.bias"))
        #expect(throws: ModelDirectoryError.missingTensor(directory: directory.url.path, tensor: "model.layers.1.self_attn.v_proj.bias")) {
            try ModelDirectory(url: directory.url)
        }
    }

    @Test func shapeThatContradictsTheConfig() throws {
        let name = LlamaWeightLayout.layer(0, "self_attn.k_proj.weight")
        try writeModel(Self.tiny, override: (name, [8, 8]))  // GQA: 2 KV heads * 2 = 4 rows
        #expect(throws: ModelDirectoryError.shapeMismatch(directory: directory.url.path, tensor: name, expected: [4, 8], found: [8, 8])) {
            try ModelDirectory(url: directory.url)
        }
    }

    @Test func mlpBiasesAreRefused() throws {
        try writeModel(Self.tiny, extra: [LlamaWeightLayout.layer(0, "mlp.up_proj.bias")])
        let error = #expect(throws: ModelDirectoryError.self) { try ModelDirectory(url: directory.url) }
        #expect(error?.description.contains("MLP biases") == true)
    }

    @Test func errorsOfTheFilesArePassedThrough() throws {
        try writeModel(Self.tiny)
        _ = directory.file("config.json", text: #"{"model_type": "bert"}"#)
        let error = #expect(throws: ModelDirectoryError.self) { try ModelDirectory(url: directory.url) }
        #expect(error == .config(.unknownModelType(file: directory.url.appendingPathComponent("config.json").path, modelType: "bert")))
    }
}
