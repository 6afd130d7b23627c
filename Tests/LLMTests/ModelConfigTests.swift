import Foundation
import Testing
@testable import LLM

@Suite struct ModelConfigTests {
    /// SmolLM2-135M's config.json (trimmed of fields we do not read).
    let smolLM = """
        {"architectures": ["LlamaForCausalLM"], "bos_token_id": 0, "eos_token_id": 0, "hidden_act": "silu",
         "hidden_size": 576, "intermediate_size": 1536, "max_position_embeddings": 8192, "model_type": "llama",
         "num_attention_heads": 9, "num_hidden_layers": 30, "num_key_value_heads": 3, "rms_norm_eps": 1e-05,
         "rope_scaling": null, "rope_theta": 100000, "tie_word_embeddings": true, "torch_dtype": "bfloat16",
         "vocab_size": 49152}
        """

    @Test func llamaSmolLM2() throws {
        let config = try ModelConfig(json: smolLM)
        #expect(config.modelType == .llama)
        #expect(config.hiddenSize == 576)
        #expect(config.intermediateSize == 1536)
        #expect(config.numHiddenLayers == 30)
        #expect(config.numAttentionHeads == 9)
        #expect(config.numKeyValueHeads == 3)
        #expect(config.queryGroupSize == 3)
        #expect(config.headDim == 64)
        #expect(config.rmsNormEps == 1e-5)
        #expect(config.ropeTheta == 100_000)
        #expect(config.ropeScaling == nil)
        #expect(config.tieWordEmbeddings)
        #expect(config.vocabSize == 49152)
        #expect(config.maxPositionEmbeddings == 8192)
        #expect(config.bosTokenID == 0)
        #expect(config.eosTokenIDs == [0])
        #expect(config.torchDtype == "bfloat16")
    }

    @Test func qwen2DefaultsAndNoBOS() throws {
        let config = try ModelConfig(json: """
            {"model_type": "qwen2", "hidden_size": 896, "intermediate_size": 4864, "num_hidden_layers": 24,
             "num_attention_heads": 14, "num_key_value_heads": 2, "vocab_size": 151936, "eos_token_id": 151643,
             "rope_theta": 1000000.0, "rms_norm_eps": 1e-06, "tie_word_embeddings": true, "dtype": "bfloat16"}
            """)
        #expect(config.modelType == .qwen2)
        #expect(config.headDim == 64)
        #expect(config.numKeyValueHeads == 2)
        #expect(config.maxPositionEmbeddings == 32768)  // transformers' Qwen2 default
        #expect(config.bosTokenID == nil)
        #expect(config.eosTokenIDs == [151643])
        #expect(config.torchDtype == "bfloat16")  // read from the newer "dtype" key
    }

    @Test func mistralWithDefaults() throws {
        let config = try ModelConfig(json: """
            {"model_type": "mistral", "hidden_size": 64, "intermediate_size": 128, "num_hidden_layers": 2,
             "num_attention_heads": 4, "vocab_size": 100, "bos_token_id": 1, "eos_token_id": 2}
            """)
        #expect(config.modelType == .mistral)
        #expect(config.numKeyValueHeads == 4)  // defaults to the query head count
        #expect(config.headDim == 16)
        #expect(config.ropeTheta == 10000)
        #expect(config.rmsNormEps == 1e-6)
        #expect(!config.tieWordEmbeddings)
        #expect(config.maxPositionEmbeddings == 131_072)
        #expect(config.slidingWindow == 4096)  // transformers' default when the key is absent
        let unwindowed = try ModelConfig(json: config.jsonText().replacingOccurrences(of: "\"sliding_window\": 4096", with: "\"sliding_window\": null"))
        #expect(unwindowed.slidingWindow == nil)
        #expect(unwindowed.jsonText().contains("\"sliding_window\": null"))
    }

    @Test func qwen2SlidingWindowIsRefused() {
        let text = #"{"model_type": "qwen2", "hidden_size": 8, "intermediate_size": 8, "num_hidden_layers": 1, "num_attention_heads": 2, "vocab_size": 4, "use_sliding_window": true}"#
        #expect(throws: ModelConfigError.field(JSONFieldError(file: "config.json", field: "use_sliding_window", problem: .invalid("is true: Qwen2 sliding-window attention is not supported")))) {
            try ModelConfig(json: text)
        }
    }

    let llama32 = """
        {"model_type": "llama", "hidden_size": 2048, "intermediate_size": 8192, "num_hidden_layers": 16,
         "num_attention_heads": 32, "num_key_value_heads": 8, "head_dim": 64, "vocab_size": 128256,
         "bos_token_id": 128000, "eos_token_id": [128001, 128008, 128009], "rope_theta": 500000.0,
         "rope_scaling": {"factor": 32.0, "high_freq_factor": 4.0, "low_freq_factor": 1.0,
                          "original_max_position_embeddings": 8192, "rope_type": "llama3"},
         "max_position_embeddings": 131072, "tie_word_embeddings": true}
        """

    @Test func llama32WithLlama3ScalingAndEOSList() throws {
        let config = try ModelConfig(json: llama32)
        #expect(config.eosTokenIDs == [128001, 128008, 128009])
        #expect(config.ropeScaling == Llama3RopeScaling(factor: 32, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositionEmbeddings: 8192))
        #expect(config.ropeTheta == 500_000)
        #expect(config.ropeInverseFrequencies().count == 32)
    }

    @Test func ropeParametersOfNewerTransformers() throws {
        let config = try ModelConfig(json: """
            {"model_type": "llama", "hidden_size": 64, "intermediate_size": 128, "num_hidden_layers": 1,
             "num_attention_heads": 4, "vocab_size": 10,
             "rope_parameters": {"rope_type": "llama3", "rope_theta": 500000.0, "factor": 8.0,
                                 "low_freq_factor": 1.0, "high_freq_factor": 4.0, "original_max_position_embeddings": 8192}}
            """)
        #expect(config.ropeTheta == 500_000)
        #expect(config.ropeScaling?.factor == 8)
        let plain = try ModelConfig(json: """
            {"model_type": "llama", "hidden_size": 64, "intermediate_size": 128, "num_hidden_layers": 1,
             "num_attention_heads": 4, "vocab_size": 10, "rope_parameters": {"rope_type": "default", "rope_theta": 5000.0}}
            """)
        #expect(plain.ropeTheta == 5000)
        #expect(plain.ropeScaling == nil)
    }

    /// dim 8, theta 10000: frequencies 1, 0.1, 0.01, 0.001 (wavelengths 2π .. 2000π). With an
    /// original context of 1024 and low/high factors 1/4 the bands are: > 1024 low (divide by
    /// factor 8), < 256 high (keep), between: s = (1024/wavelength - 1)/3 and
    /// f' = (1 - s) f / 8 + s f. For f = 0.01: wavelength 628.3185, s = 0.2099162,
    /// f' = 0.0030867610 (computed in double precision in Python).
    @Test func llama3InverseFrequenciesMatchHandComputedValues() {
        let scaling = Llama3RopeScaling(factor: 8, lowFreqFactor: 1, highFreqFactor: 4, originalMaxPositionEmbeddings: 1024)
        let config = ModelConfig(
            modelType: .llama, vocabSize: 10, hiddenSize: 16, intermediateSize: 32, numHiddenLayers: 1,
            numAttentionHeads: 2, ropeTheta: 10000, ropeScaling: scaling)
        #expect(config.headDim == 8)
        let expected: [Double] = [1.0, 0.1, 0.003086760967011274, 0.000125]
        let actual = config.ropeInverseFrequencies()
        #expect(actual.count == 4)
        for (a, e) in zip(actual, expected) {
            #expect(abs(Double(a) - e) <= 1e-6 * e, "\(a) vs \(e)")
        }
        var unscaled = config
        unscaled.ropeScaling = nil
        let plain = unscaled.ropeInverseFrequencies()
        for (a, e) in zip(plain, [1.0, 0.1, 0.01, 0.001]) {
            #expect(abs(Double(a) - e) <= 1e-6 * e)
        }
    }

    @Test(arguments: [ModelType.llama, .qwen2, .mistral])
    func encodeThenDecodeGivesTheSameConfig(type: ModelType) throws {
        var config = try ModelConfig(json: llama32)
        config.modelType = type
        config.torchDtype = "float32"
        config.rmsNormEps = 1e-5
        let text = config.jsonText()
        #expect(try ModelConfig(json: text) == config)
        #expect(text.contains("\"architectures\": [\n    \"\(type.causalLMArchitecture)\"\n  ]"))
        var single = config
        single.eosTokenIDs = [2]
        single.ropeScaling = nil
        #expect(try ModelConfig(json: single.jsonText()) == single)
        #expect(single.jsonText().contains("\"eos_token_id\": 2,"))
    }

    // MARK: Errors

    @Test func unknownModelTypeIsNamed() {
        let error = #expect(throws: ModelConfigError.self) {
            try ModelConfig(json: #"{"model_type": "gpt_neox", "hidden_size": 8}"#, file: "/m/config.json")
        }
        #expect(error == .unknownModelType(file: "/m/config.json", modelType: "gpt_neox"))
        #expect(error?.description.contains("gpt_neox") == true)
    }

    @Test(arguments: ["model_type", "hidden_size", "intermediate_size", "num_hidden_layers", "num_attention_heads", "vocab_size"])
    func missingRequiredFieldIsNamed(field: String) throws {
        let object = try #require(try JSONParser.parse(smolLM).objectValue)
        var trimmed = object
        trimmed[field] = nil
        let text = JSONWriter.string(.object(trimmed))
        #expect(throws: ModelConfigError.field(JSONFieldError(file: "config.json", field: field, problem: .missing))) {
            try ModelConfig(json: text)
        }
    }

    @Test func wrongTypeIsNamed() {
        let text = smolLM.replacingOccurrences(of: "\"hidden_size\": 576", with: "\"hidden_size\": \"576\"")
        #expect(throws: ModelConfigError.field(JSONFieldError(file: "config.json", field: "hidden_size", problem: .wrongType(expected: "an integer", found: "a string")))) {
            try ModelConfig(json: text)
        }
    }

    @Test func eosOfTheWrongType() {
        let text = smolLM.replacingOccurrences(of: "\"eos_token_id\": 0", with: "\"eos_token_id\": [1, \"x\"]")
        let error = #expect(throws: ModelConfigError.self) { try ModelConfig(json: text) }
        guard case .field(let fieldError) = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(fieldError.field == "eos_token_id")
    }

    @Test func kvHeadsThatDoNotDivideHeads() {
        let text = smolLM.replacingOccurrences(of: "\"num_key_value_heads\": 3", with: "\"num_key_value_heads\": 4")
        #expect(throws: ModelConfigError.field(JSONFieldError(file: "config.json", field: "num_key_value_heads", problem: .invalid("(4) must divide num_attention_heads (9)")))) {
            try ModelConfig(json: text)
        }
    }

    @Test func nonPositiveSize() {
        let text = smolLM.replacingOccurrences(of: "\"num_hidden_layers\": 30", with: "\"num_hidden_layers\": 0")
        #expect(throws: ModelConfigError.field(JSONFieldError(file: "config.json", field: "num_hidden_layers", problem: .invalid("must be positive, found 0")))) {
            try ModelConfig(json: text)
        }
    }

    @Test func unsupportedRopeScalingIsNamed() {
        let text = smolLM.replacingOccurrences(of: "\"rope_scaling\": null", with: #""rope_scaling": {"type": "yarn", "factor": 4.0}"#)
        #expect(throws: ModelConfigError.unsupportedRopeScaling(file: "config.json", ropeType: "yarn")) { try ModelConfig(json: text) }
    }

    @Test func llama3ScalingWithAMissingField() {
        let text = smolLM.replacingOccurrences(of: "\"rope_scaling\": null", with: #""rope_scaling": {"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0}"#)
        #expect(throws: ModelConfigError.field(JSONFieldError(file: "config.json", field: "rope_scaling.original_max_position_embeddings", problem: .missing))) {
            try ModelConfig(json: text)
        }
    }

    @Test func unsupportedActivation() {
        let text = smolLM.replacingOccurrences(of: "\"silu\"", with: "\"gelu\"")
        #expect(throws: ModelConfigError.unsupportedActivation(file: "config.json", activation: "gelu")) { try ModelConfig(json: text) }
    }

    @Test func invalidJSONAndDuplicateKeys() {
        #expect(throws: ModelConfigError.self) { try ModelConfig(json: "{\"model_type\": ") }
        let error = #expect(throws: ModelConfigError.self) { try ModelConfig(json: #"{"model_type": "llama", "model_type": "qwen2"}"#) }
        #expect(error?.description.contains("duplicate key \"model_type\"") == true)
    }

    @Test func missingFileIsUnreadable() {
        let error = #expect(throws: ModelConfigError.self) { try ModelConfig(contentsOf: URL(fileURLWithPath: "/nonexistent/config.json")) }
        guard case .unreadable(let file, _) = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(file == "/nonexistent/config.json")
    }
}
