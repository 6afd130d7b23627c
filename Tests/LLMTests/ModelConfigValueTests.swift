import Foundation
import Testing
@testable import LLM

/// Issue 23: config values outside sense are refused, naming the field, instead of making a
/// model that computes garbage (a negative epsilon, a zero RoPE base, an EOS id past the vocabulary).
@Suite struct ModelConfigValueTests {
    static let smolLM = """
        {"bos_token_id": 0, "eos_token_id": 0, "hidden_act": "silu", "hidden_size": 576,
         "intermediate_size": 1536, "max_position_embeddings": 8192, "model_type": "llama",
         "num_attention_heads": 9, "num_hidden_layers": 30, "num_key_value_heads": 3, "rms_norm_eps": 1e-05,
         "rope_theta": 100000, "tie_word_embeddings": true, "vocab_size": 49152}
        """

    static let cases: [(replace: String, with: String, field: String)] = [
        ("\"rms_norm_eps\": 1e-05", "\"rms_norm_eps\": -1", "rms_norm_eps"),
        ("\"rms_norm_eps\": 1e-05", "\"rms_norm_eps\": 0", "rms_norm_eps"),
        ("\"rope_theta\": 100000", "\"rope_theta\": 0", "rope_theta"),
        ("\"rope_theta\": 100000", "\"rope_theta\": -5", "rope_theta"),
        ("\"eos_token_id\": 0", "\"eos_token_id\": 49152", "eos_token_id"),
        ("\"eos_token_id\": 0", "\"eos_token_id\": [2, -1]", "eos_token_id"),
        ("\"bos_token_id\": 0", "\"bos_token_id\": 100000", "bos_token_id"),
        ("\"max_position_embeddings\": 8192", "\"max_position_embeddings\": 0", "max_position_embeddings"),
    ]

    @Test(arguments: cases.indices)
    func aValueOutsideSenseIsRefusedNamingItsField(_ index: Int) {
        let testCase = Self.cases[index]
        let text = Self.smolLM.replacingOccurrences(of: testCase.replace, with: testCase.with)
        #expect(text != Self.smolLM)
        let error = #expect(throws: ModelConfigError.self) { try ModelConfig(json: text) }
        guard case .field(let fieldError) = error else { Issue.record("got \(String(describing: error))"); return }
        #expect(fieldError.field == testCase.field, "\(fieldError)")
        #expect(fieldError.description.hasPrefix("config.json: "), "\(fieldError)")
    }

    @Test func theLastTokenOfTheVocabularyIsAValidEOS() throws {
        let text = Self.smolLM.replacingOccurrences(of: "\"eos_token_id\": 0", with: "\"eos_token_id\": 49151")
        #expect(try ModelConfig(json: text).eosTokenIDs == [49151])
    }
}
