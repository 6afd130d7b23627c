import Foundation
import TensorCore
import Testing
@testable import LLM
import TestSupport

/// Issue 23: hostile checkpoints. A NaN or infinity in any tensor (of a model or of an
/// adapter) is refused at load naming the tensor; a config.json claiming more layers than the
/// checkpoint holds is refused by counting, before anything is built from it.
@Suite struct CheckpointValueTests {
    /// Overwrites element `index` of tensor `name` in a safetensors file with `value`.
    static func poison(_ file: URL, tensor name: String, index: Int = 3, value: Float) throws {
        let opened = try SafetensorsFile(url: file)
        let info = try opened.info(name)
        let offset = opened.header.dataStart + info.dataRange.lowerBound
        var bytes = [UInt8](try Data(contentsOf: file))
        switch info.dtype {
        case .f32:
            withUnsafeBytes(of: value.bitPattern.littleEndian) { bytes.replaceSubrange(offset + 4 * index ..< offset + 4 * index + 4, with: $0) }
        case .bf16:
            let word = UInt16(truncatingIfNeeded: value.bitPattern >> 16)
            withUnsafeBytes(of: word.littleEndian) { bytes.replaceSubrange(offset + 2 * index ..< offset + 2 * index + 2, with: $0) }
        default:
            Issue.record("poison: unhandled dtype \(info.dtype)")
        }
        try Data(bytes).write(to: file)
    }

    static let poisoned: [(tensor: String, value: Float, dtype: ScalarEncoding)] = [
        (LlamaWeightLayout.layer(1, "self_attn.q_proj.weight"), .nan, .float32),
        (LlamaWeightLayout.embedding, .infinity, .float32),
        (LlamaWeightLayout.layer(0, "input_layernorm.weight"), -.infinity, .float32),
        (LlamaWeightLayout.layer(0, "mlp.down_proj.weight"), .nan, .bfloat16),
        (LlamaWeightLayout.finalNorm, .infinity, .bfloat16),
    ]

    @Test(arguments: poisoned.indices)
    func aNonFiniteWeightIsRefusedNamingItsTensor(_ index: Int) throws {
        let testCase = Self.poisoned[index]
        let directory = try TemporaryDirectory()
        let model = TinyModel.model()
        try model.save(to: directory.url, dtype: testCase.dtype, tokenizerJSON: TinyModel.tokenizerFixture.json)
        let weights = directory.url.appendingPathComponent("model.safetensors")
        _ = try LlamaModel(directory: ModelDirectory(url: directory.url))   // clean: loads
        try Self.poison(weights, tensor: testCase.tensor, value: testCase.value)
        let error = #expect(throws: ModelDirectoryError.self) {
            _ = try LlamaModel(directory: ModelDirectory(url: directory.url))
        }
        #expect(error == .weights(.nonFiniteValue(file: weights.path, tensor: testCase.tensor, index: 3)),
                "\(String(describing: error))")
        #expect(error?.description.contains("\"\(testCase.tensor)\" holds a NaN or infinity") == true)
    }

    @Test func aNonFiniteAdapterIsRefusedNamingItsTensor() throws {
        let directory = try TemporaryDirectory()
        let model = TinyModel.model()
        let adapter = TinyModel.trainedAdapter(for: model)
        try adapter.save(to: directory.url)
        _ = try LoRAAdapter(contentsOf: directory.url, for: model)
        let file = directory.url.appendingPathComponent("adapter_model.safetensors")
        let names = try SafetensorsFile(url: file).tensorNames
        let victim = try #require(names.first { $0.contains("layers.1") && $0.contains("lora_B") })
        try Self.poison(file, tensor: victim, index: 0, value: .nan)
        let error = #expect(throws: (any Error).self) { _ = try LoRAAdapter(contentsOf: directory.url, for: model) }
        #expect("\(String(describing: error))".contains(victim), "\(String(describing: error))")
    }

    /// The scan finds the first non-finite element of each encoding, wherever it is (inside a
    /// 64-element block, in the tail), and passes the largest finite values.
    @Test func theScanFindsTheFirstNonFiniteElement() {
        for encoding in ScalarEncoding.allCases {
            for (count, position) in [(1, 0), (64, 63), (65, 64), (200, 130), (200, 199)] {
                var values = [Float](repeating: 1, count: count)
                // The largest finite value of each encoding (BF16's is 0x7F7F).
                let largest: Float = switch encoding {
                case .float32: .greatestFiniteMagnitude
                case .float16: 65504
                case .bfloat16: Float(bitPattern: 0x7F7F_0000)
                case .q8_0, .q4_0, .q4_1: 0  // not element encodings: skipped below
                }
                if encoding.isBlockQuantized { continue }
                values[min(count - 1, position / 2)] = largest
                let finite = Tensor(values, shape: [count]).littleEndianBytes(encoding: encoding)
                #expect(finite.withUnsafeBytes { NonFiniteScan.firstIndex(in: $0, encoding: encoding) } == nil,
                        "\(encoding) \(count)")
                values[position] = .nan
                if position + 1 < count { values[position + 1] = .infinity }
                let bytes = Tensor(values, shape: [count]).littleEndianBytes(encoding: encoding)
                #expect(bytes.withUnsafeBytes { NonFiniteScan.firstIndex(in: $0, encoding: encoding) } == position,
                        "\(encoding) \(count) \(position)")
            }
        }
    }

    /// The layout's tensors are checked one by one as they are listed, so a config claiming
    /// 10^9 layers stops at the first layer the checkpoint lacks instead of listing 9 * 10^9
    /// names first (which allocated until the process died).
    @Test func aConfigClaimingABillionLayersIsRefusedAtTheFirstMissingLayer() throws {
        let directory = try TemporaryDirectory()
        let model = TinyModel.model()
        try model.save(to: directory.url, tokenizerJSON: TinyModel.tokenizerFixture.json)
        let configURL = directory.url.appendingPathComponent("config.json")
        for layers in [1_000_000_000, 3, Int.max / 2] {
            let text = try String(contentsOf: configURL, encoding: .utf8)
                .replacingOccurrences(of: #""num_hidden_layers": \d+"#, with: "\"num_hidden_layers\": \(layers)",
                                      options: .regularExpression)
            try Data(text.utf8).write(to: configURL)
            let started = ContinuousClock.now
            #expect(throws: ModelDirectoryError.missingTensor(directory: directory.url.path,
                                                              tensor: "model.layers.2.input_layernorm.weight")) {
                _ = try ModelDirectory(url: directory.url)
            }
            #expect(ContinuousClock.now - started < .seconds(2), "\(layers) layers: refused without listing them")
        }
    }
}

/// Issue 23: a garbage adapter_config.json is an error naming that file.
@Suite struct AdapterConfigErrorTests {
    @Test func garbageAdapterConfigNamesTheFile() throws {
        let directory = try TemporaryDirectory()
        let model = TinyModel.model()
        try TinyModel.trainedAdapter(for: model).save(to: directory.url)
        let config = directory.url.appendingPathComponent("adapter_config.json")
        try Data("{\"r\": 4, garbage".utf8).write(to: config)
        let error = #expect(throws: (any Error).self) { _ = try LoRAAdapter(contentsOf: directory.url, for: model) }
        let text = "\(String(describing: error))"
        #expect(text.contains(config.path) && text.contains("not valid JSON"), "\(text)")
    }
}
