import Foundation

/// Why a Hugging Face model directory cannot be loaded.
public enum ModelDirectoryError: Error, Sendable, Equatable, CustomStringConvertible {
    case config(ModelConfigError)
    case tokenizer(TokenizerError)
    case weights(SafetensorsError)
    case gguf(GGUFError)
    case missingTensor(directory: String, tensor: String)
    case shapeMismatch(directory: String, tensor: String, expected: [Int], found: [Int])
    case unsupportedDType(directory: String, tensor: String, dtype: String)
    case unsupportedTensor(directory: String, tensor: String, reason: String)

    public var description: String {
        switch self {
        case .config(let error): error.description
        case .tokenizer(let error): error.description
        case .weights(let error): error.description
        case .gguf(let error): error.description
        case .missingTensor(let directory, let tensor): "\(directory): checkpoint has no tensor \"\(tensor)\""
        case .shapeMismatch(let directory, let tensor, let expected, let found):
            "\(directory): tensor \"\(tensor)\" has shape \(found), config.json implies \(expected)"
        case .unsupportedDType(let directory, let tensor, let dtype):
            "\(directory): tensor \"\(tensor)\" is \(dtype); weights must be F32, F16 or BF16"
        case .unsupportedTensor(let directory, let tensor, let reason): "\(directory): tensor \"\(tensor)\": \(reason)"
        }
    }
}

/// A model opened and checked: a Hugging Face model directory (config.json, tokenizer.json,
/// *.safetensors; every tensor the config implies present with the right shape and a float
/// dtype, memory-mapped in `weights`), or a llama-architecture `.gguf` file (config,
/// tokenizer and chat template from its metadata; tensors in `gguf`). Exactly one of
/// `weights` and `gguf` is set.
public struct ModelDirectory: Sendable {
    public let url: URL
    public let config: ModelConfig
    public let tokenizer: Tokenizer
    /// The safetensors weights of a directory (nil for a GGUF file).
    public let weights: SafetensorsCheckpoint?
    /// The GGUF file (nil for a directory).
    public let gguf: GGUFCheckpoint?
    public let layout: LlamaWeightLayout

    public init(url: URL) throws(ModelDirectoryError) {
        self.url = url
        if GGUFFile.isGGUF(url) {
            let checkpoint: GGUFCheckpoint
            do { checkpoint = try GGUFCheckpoint(url: url) } catch { throw .gguf(error) }
            config = checkpoint.config
            layout = checkpoint.layout
            do { tokenizer = try Tokenizer(json: checkpoint.tokenizerJSON, file: "\(url.path) (tokenizer.ggml.*)") } catch {
                throw .tokenizer(error)
            }
            weights = nil
            gguf = checkpoint
            return
        }
        gguf = nil
        do { config = try ModelConfig(contentsOf: url.appendingPathComponent("config.json")) } catch { throw .config(error) }
        do { tokenizer = try Tokenizer(contentsOf: url.appendingPathComponent("tokenizer.json")) } catch { throw .tokenizer(error) }
        let weights: SafetensorsCheckpoint
        do { weights = try SafetensorsCheckpoint(directory: url) } catch { throw .weights(error) }
        self.weights = weights
        layout = try Self.checkedLayout(config: config, weights: weights, directory: url.path)
    }

    /// Whether `url` looks like a model this type opens: a `.gguf` file, or a directory with
    /// config.json (for "is there a model yet" checks that should not open it).
    public static func isPresent(at url: URL) -> Bool {
        let manager = FileManager.default
        if GGUFFile.isGGUF(url) { return manager.fileExists(atPath: url.path) }
        return manager.fileExists(atPath: url.appendingPathComponent("config.json").path)
    }

    /// The chat template: `tokenizer.chat_template` of a GGUF file, else the directory's
    /// chat_template.jinja or tokenizer_config.json (`ChatTemplate(directory:tokenizer:)`).
    public func chatTemplate() throws(ChatTemplateError) -> ChatTemplate {
        guard let gguf else { return try ChatTemplate(directory: url, tokenizer: tokenizer) }
        let source = "\(url.path) (tokenizer.chat_template)"
        guard let template = gguf.chatTemplate else {
            throw ChatTemplateError(file: source, reason: "the file has no chat template (not a chat model?)")
        }
        return try ChatTemplate(template: template, tokenizer: tokenizer, file: source)
    }

    /// Biases are recognised by their presence in layer 0 (no config flag marks Qwen2's).
    static func checkedLayout(
        config: ModelConfig, weights: SafetensorsCheckpoint, directory: String
    ) throws(ModelDirectoryError) -> LlamaWeightLayout {
        let layout = LlamaWeightLayout(
            config: config,
            hasQKVBias: weights.contains(LlamaWeightLayout.layer(0, "self_attn.q_proj.bias")),
            hasOutputBias: weights.contains(LlamaWeightLayout.layer(0, "self_attn.o_proj.bias")))
        for suffix in ["mlp.gate_proj.bias", "mlp.up_proj.bias", "mlp.down_proj.bias"] {
            let name = LlamaWeightLayout.layer(0, suffix)
            if weights.contains(name) {
                throw .unsupportedTensor(directory: directory, tensor: name, reason: "MLP biases are not supported")
            }
        }
        // One by one, not `layout.tensors`: the walk stops at the first tensor the checkpoint
        // lacks, so a config's layer count cannot make it list billions of names.
        do {
            try layout.forEachTensor { name, shape in
                guard weights.contains(name) else { throw ModelDirectoryError.missingTensor(directory: directory, tensor: name) }
                let info = try weights.info(name)
                guard info.dtype.isFloatConvertible else {
                    throw ModelDirectoryError.unsupportedDType(directory: directory, tensor: name, dtype: info.dtype.rawValue)
                }
                guard info.shape == shape else {
                    throw ModelDirectoryError.shapeMismatch(directory: directory, tensor: name, expected: shape, found: info.shape)
                }
            }
        } catch let error as ModelDirectoryError {
            throw error
        } catch let error as SafetensorsError {
            throw .weights(error)
        } catch {
            throw .unsupportedTensor(directory: directory, tensor: "(layout)", reason: "\(error)")
        }
        return layout
    }
}
