import Foundation
import TensorCore

/// A llama-architecture GGUF file opened as a model: config, tokenizer.json text, chat
/// template and layout from the metadata, every tensor the layout needs checked present with
/// the right shape and a type we dequantize. Tensors are read in our names and layout
/// (Hugging Face's): `floats` dequantizes and undoes the RoPE row permutation.
public final class GGUFCheckpoint: Sendable {
    public let file: GGUFFile
    public let config: ModelConfig
    public let layout: LlamaWeightLayout
    public let tokenizerJSON: String
    /// `tokenizer.chat_template`, when the file has one.
    public let chatTemplate: String?

    public init(url: URL) throws(GGUFError) {
        file = try GGUFFile(url: url)
        config = try GGUFLlama.config(file)
        tokenizerJSON = try GGUFTokenizer.json(file)
        chatTemplate = try file.optionalString("tokenizer.chat_template")
        layout = LlamaWeightLayout(config: config, hasQKVBias: file.contains("blk.0.attn_q.bias"),
                                   hasOutputBias: file.contains("blk.0.attn_output.bias"))
        for suffix in ["ffn_gate.bias", "ffn_up.bias", "ffn_down.bias"] where file.contains("blk.0.\(suffix)") {
            throw .unsupportedModel(file: file.path, reason: "tensor \"blk.0.\(suffix)\": MLP biases are not supported")
        }
        for (name, shape) in layout.tensors {
            let ggufName = GGUFLlama.ggufName(of: name) ?? name
            let info = try file.info(ggufName)
            guard info.type.isDequantizable else {
                throw .unsupportedTensorType(file: file.path, tensor: ggufName, type: info.type.name)
            }
            guard info.shape == shape else {
                throw .tensorShapeMismatch(file: file.path, tensor: ggufName, expected: shape.reversed(), found: info.dimensions)
            }
        }
    }

    public var path: String { file.path }

    /// The GGUF tensor holding our tensor `name`.
    public func info(_ name: String) throws(GGUFError) -> GGUFTensorInfo {
        guard let ggufName = GGUFLlama.ggufName(of: name) else { throw .tensorNotFound(file: path, tensor: name) }
        return try file.info(ggufName)
    }

    public func contains(_ name: String) -> Bool {
        GGUFLlama.ggufName(of: name).map(file.contains) ?? false
    }

    /// Our tensor `name`, dequantized, in Hugging Face's row order.
    public func floats(_ name: String) throws(GGUFError) -> [Float] {
        let info = try info(name)
        let values = try file.floats(info.name)
        guard let heads = GGUFLlama.permutedHeads(of: name, config: config) else { return values }
        return GGUFLlama.unpermutedRows(values, heads: heads, columns: info.dimensions.count == 2 ? info.dimensions[0] : 1)
    }
}

extension LlamaModel {
    /// The model of a GGUF checkpoint; matrices held in `weightPrecision`. `.asStored` keeps
    /// F16/BF16 tensors 16-bit and Q8_0/Q4_0/Q4_1 ones as their blocks (never dequantized),
    /// and widens the other quantized types (Q4_K, Q6_K) to Float32; `.q8_0` keeps Q8_0
    /// blocks and requantizes the rest from their dequantized values.
    public init(gguf checkpoint: GGUFCheckpoint, weightPrecision: WeightPrecision = .float32) throws(GGUFError) {
        do {
            try self.init(config: checkpoint.config, layout: checkpoint.layout) { name, shape in
                if shape.count == 2, let own = try checkpoint.info(name).type.blockEncoding,
                   weightPrecision.storage(forStored: own, shape: shape) == own {
                    return try checkpoint.blockTensor(name, encoding: own, shape: shape)
                }
                let values = try checkpoint.floats(name)
                let tensor = Tensor(values, shape: shape)
                guard shape.count == 2 else { return tensor }
                let stored: ScalarEncoding = switch try checkpoint.info(name).type {
                case .f16: .float16
                case .bf16: .bfloat16
                default: .float32
                }
                let storage = weightPrecision.storage(forStored: stored, shape: shape)
                return storage == .float32 ? tensor : tensor.stored(as: storage)
            }
        } catch let error as GGUFError {
            throw error
        } catch {
            throw .unsupportedModel(file: checkpoint.path, reason: "\(error)")
        }
    }
}
