import Foundation
import TensorCore

/// Writes a GGUF checkpoint as a Hugging Face model directory that transformers (and
/// `ModelDirectory`) load: config.json, tokenizer.json, tokenizer_config.json (special tokens
/// and the chat template) and one model.safetensors in F32, F16 or BF16.
public enum GGUFImport {
    public static func write(_ checkpoint: GGUFCheckpoint, to directory: URL, dtype: ScalarEncoding) throws {
        let model = try LlamaModel(gguf: checkpoint, weightPrecision: .float32)
        try model.save(to: directory, dtype: dtype, tokenizerJSON: checkpoint.tokenizerJSON)
        try Data(try tokenizerConfigJSON(checkpoint).utf8)
            .write(to: directory.appendingPathComponent(ChatTemplate.configFileName), options: .atomic)
    }

    /// tokenizer_config.json: PreTrainedTokenizerFast over tokenizer.json, with the special
    /// tokens the GGUF names and its chat template.
    static func tokenizerConfigJSON(_ checkpoint: GGUFCheckpoint) throws(GGUFError) -> String {
        let file = checkpoint.file
        let tokens = try file.strings("tokenizer.ggml.tokens")
        var entries: [(key: String, value: JSONValue)] = [
            ("tokenizer_class", .string("PreTrainedTokenizerFast")),
            ("clean_up_tokenization_spaces", .bool(false)),
            ("model_max_length", .int(checkpoint.config.maxPositionEmbeddings)),
        ]
        for (key, name) in [("bos_token", "bos_token_id"), ("eos_token", "eos_token_id"),
                            ("pad_token", "padding_token_id"), ("unk_token", "unknown_token_id")] {
            // GGUFTokenizer.json has checked every id against the token list.
            if let id = try file.optionalInt("tokenizer.ggml.\(name)"), tokens.indices.contains(id) {
                entries.append((key, .string(tokens[id])))
            }
        }
        if let add = try file.optionalBool("tokenizer.ggml.add_bos_token") { entries.append(("add_bos_token", .bool(add))) }
        if let template = checkpoint.chatTemplate { entries.append(("chat_template", .string(template))) }
        return JSONWriter.string(.object(JSONObject(entries)), pretty: true)
    }
}
