import Foundation
import TensorCore

/// A Llama-family decoder (Llama, Qwen2, Mistral, SmolLM): embedding -> layers of
/// (RMSNorm, GQA attention with RoPE, residual, RMSNorm, SwiGLU MLP, residual) -> RMSNorm ->
/// head (the embedding when tied).
///
/// Two forward paths share these weights:
/// - `trainingLogits` (LlamaModel+Training.swift): `Variable`s on the autograd tape, batched
///   padded sequences;
/// - `logits(ids:batch:cache:)` (LlamaModel+Inference.swift): plain `Tensor`s, no tape, a
///   preallocated KV cache for prefill and one-token decode steps.
/// LoRA adapters (`adapters`, by name) are chosen per call; `nil` runs the base alone.
///
/// Matrices are Float32 in memory by default (widened from F16/BF16 on load), or F16/BF16
/// words that the kernels widen in registers (`WeightPrecision`). The struct holds `Variable`
/// references: copies of a model share its weights (adapters are values, so adding one to a
/// copy does not touch the original's list, but both see the same base tensors).
public struct LlamaModel: Sendable {
    public let config: ModelConfig
    /// [vocab, hidden]
    public var embedding: Variable
    public var layers: [LlamaLayer]
    /// [hidden]
    public var finalNorm: Variable
    /// [vocab, hidden]; nil when tied (the embedding is the head).
    public var lmHead: Variable?
    public let ropeTable: RoPETable
    /// Named LoRA adapters over this base.
    public var adapters: [String: LoRAAdapter] = [:]

    /// Positions the RoPE table covers at most (128k-context configs would otherwise build
    /// a table of hundreds of MB for contexts this workbench never reaches).
    public static let maximumRoPEPositions = 32768

    /// Longest sequence the model runs: the config's context, capped by the RoPE table.
    public var contextLength: Int { ropeTable.maxPositions }

    /// The output projection [vocab, hidden].
    public var head: Variable { lmHead ?? embedding }

    public init(config: ModelConfig, embedding: Variable, layers: [LlamaLayer], finalNorm: Variable,
                lmHead: Variable?) {
        self.config = config
        self.embedding = embedding
        self.layers = layers
        self.finalNorm = finalNorm
        self.lmHead = config.tieWordEmbeddings ? nil : lmHead
        ropeTable = RoPETable(inverseFrequencies: config.ropeInverseFrequencies(),
                              maxPositions: Swift.min(config.maxPositionEmbeddings, Self.maximumRoPEPositions))
    }

    /// The layout of this model's tensors (names and shapes as in the checkpoint).
    public var layout: LlamaWeightLayout {
        LlamaWeightLayout(config: config, hasQKVBias: layers.first?.qBias != nil,
                          hasOutputBias: layers.first?.oBias != nil)
    }

    /// Every base parameter with its checkpoint name, in checkpoint order.
    public var namedParameters: [(name: String, variable: Variable)] {
        var list: [(String, Variable)] = [(LlamaWeightLayout.embedding, embedding)]
        for (index, layer) in layers.enumerated() {
            for (suffix, variable) in layer.namedParameters {
                list.append((LlamaWeightLayout.layer(index, suffix), variable))
            }
        }
        list.append((LlamaWeightLayout.finalNorm, finalNorm))
        if let lmHead { list.append((LlamaWeightLayout.lmHead, lmHead)) }
        return list
    }

    /// Number of base parameters (the tied head counted once).
    public var parameterCount: Int { namedParameters.reduce(0) { $0 + $1.variable.value.count } }

    /// Makes every base parameter trainable (full fine-tuning) or frozen (adapter training).
    public func setBaseTrainable(_ trainable: Bool) {
        for (name, variable) in namedParameters {
            variable.requiresGrad = trainable
            variable.name = name
        }
    }

    /// Builds the model from named tensors, checking each against the layout.
    init(config: ModelConfig, layout: LlamaWeightLayout, tensor: (String, [Int]) throws -> Tensor) rethrows {
        func parameter(_ name: String, _ shape: [Int]) throws -> Variable {
            Variable(try tensor(name, shape), name: name)
        }
        let hidden = config.hiddenSize, inter = config.intermediateSize
        let qWidth = config.numAttentionHeads * config.headDim
        let kvWidth = config.numKeyValueHeads * config.headDim
        var layers: [LlamaLayer] = []
        for i in 0..<config.numHiddenLayers {
            func p(_ suffix: String, _ shape: [Int]) throws -> Variable {
                try parameter(LlamaWeightLayout.layer(i, suffix), shape)
            }
            let bias = layout.hasQKVBias
            layers.append(LlamaLayer(
                inputNorm: try p("input_layernorm.weight", [hidden]),
                q: try p("self_attn.q_proj.weight", [qWidth, hidden]),
                k: try p("self_attn.k_proj.weight", [kvWidth, hidden]),
                v: try p("self_attn.v_proj.weight", [kvWidth, hidden]),
                o: try p("self_attn.o_proj.weight", [hidden, qWidth]),
                qBias: bias ? try p("self_attn.q_proj.bias", [qWidth]) : nil,
                kBias: bias ? try p("self_attn.k_proj.bias", [kvWidth]) : nil,
                vBias: bias ? try p("self_attn.v_proj.bias", [kvWidth]) : nil,
                oBias: layout.hasOutputBias ? try p("self_attn.o_proj.bias", [hidden]) : nil,
                postAttentionNorm: try p("post_attention_layernorm.weight", [hidden]),
                gate: try p("mlp.gate_proj.weight", [inter, hidden]),
                up: try p("mlp.up_proj.weight", [inter, hidden]),
                down: try p("mlp.down_proj.weight", [hidden, inter])))
        }
        self.init(
            config: config,
            embedding: try parameter(LlamaWeightLayout.embedding, [config.vocabSize, hidden]),
            layers: layers,
            finalNorm: try parameter(LlamaWeightLayout.finalNorm, [hidden]),
            lmHead: config.tieWordEmbeddings ? nil : try parameter(LlamaWeightLayout.lmHead, [config.vocabSize, hidden]))
    }

    /// Loads the weights of an opened model directory, matrices held in `weightPrecision`
    /// (default: widened to Float32); vectors (norms, biases) are always Float32.
    public init(directory: ModelDirectory, weightPrecision: WeightPrecision = .float32) throws(ModelDirectoryError) {
        if let gguf = directory.gguf {
            do { try self.init(gguf: gguf, weightPrecision: weightPrecision) } catch { throw .gguf(error) }
            return
        }
        guard let weights = directory.weights else { throw .weights(.noCheckpoint(directory: directory.url.path)) }
        do {
            try self.init(config: directory.config, layout: directory.layout) { name, shape in
                let info = try weights.info(name)
                let bytes = try weights.finiteBytes(name)  // NaN/Inf refused, naming the tensor
                guard let encoding = ScalarEncoding(rawValue: info.dtype.rawValue) else {
                    throw ModelDirectoryError.unsupportedDType(directory: directory.url.path, tensor: name, dtype: info.dtype.rawValue)
                }
                let storage = shape.count == 2 ? weightPrecision.storage(forStored: encoding, shape: shape) : .float32
                return try Tensor(littleEndianBytes: bytes, encoding: encoding, shape: shape, storage: storage)
            }
        } catch let error as ModelDirectoryError {
            throw error
        } catch let error as SafetensorsError {
            throw .weights(error)
        } catch {
            throw .unsupportedTensor(directory: directory.url.path, tensor: "(weights)", reason: "\(error)")
        }
    }

    /// A model with random weights, reproducible from `seed`: linear weights and the
    /// embedding N(0, initializerRange^2) as transformers initialises them, norms 1, biases
    /// N(0, initializerRange^2) (non-zero, so tests exercise them).
    public init(randomConfig config: ModelConfig, qkvBias: Bool = false, seed: UInt64,
                initializerRange: Float = 0.02) {
        var rng = SeededRandom(seed: seed)
        let layout = LlamaWeightLayout(config: config, hasQKVBias: qkvBias)
        self.init(config: config, layout: layout) { name, shape in
            name.hasSuffix("norm.weight") ? Tensor.ones(shape)
                : Tensor.normal(shape, std: initializerRange, using: &rng)
        }
    }
}
