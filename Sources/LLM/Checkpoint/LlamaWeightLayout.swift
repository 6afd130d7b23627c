/// The tensors a Llama-family checkpoint must hold, with their shapes (FORMATS.md). Linear
/// weights are `[out_features, in_features]`; norms are `[hidden]`.
public struct LlamaWeightLayout: Sendable, Equatable {
    public var config: ModelConfig
    /// q/k/v biases (Qwen2; Llama with `attention_bias`).
    public var hasQKVBias: Bool
    /// o_proj bias (Llama with `attention_bias`; Qwen2 has none).
    public var hasOutputBias: Bool

    public init(config: ModelConfig, hasQKVBias: Bool = false, hasOutputBias: Bool = false) {
        self.config = config
        self.hasQKVBias = hasQKVBias
        self.hasOutputBias = hasOutputBias
    }

    public static let embedding = "model.embed_tokens.weight"
    public static let finalNorm = "model.norm.weight"
    public static let lmHead = "lm_head.weight"

    public static func layer(_ index: Int, _ suffix: String) -> String { "model.layers.\(index).\(suffix)" }

    /// Every required tensor and its shape, in checkpoint order (embedding, layers, norm, head).
    public var tensors: [(name: String, shape: [Int])] {
        var tensors: [(name: String, shape: [Int])] = []
        forEachTensor { tensors.append(($0, $1)) }
        return tensors
    }

    /// Calls `body` with each required tensor in checkpoint order, without listing them first:
    /// a check that throws at the first missing one does work bounded by the checkpoint, not by
    /// a config's claim (`num_hidden_layers: 1000000000`).
    public func forEachTensor(_ body: (_ name: String, _ shape: [Int]) throws -> Void) rethrows {
        let hidden = config.hiddenSize
        let queryWidth = config.numAttentionHeads * config.headDim   // heads * head_dim
        let keyValueWidth = config.numKeyValueHeads * config.headDim // kv_heads * head_dim
        let intermediate = config.intermediateSize
        try body(Self.embedding, [config.vocabSize, hidden])
        for index in 0..<config.numHiddenLayers {
            func add(_ suffix: String, _ shape: [Int]) throws { try body(Self.layer(index, suffix), shape) }
            try add("input_layernorm.weight", [hidden])
            try add("self_attn.q_proj.weight", [queryWidth, hidden])
            try add("self_attn.k_proj.weight", [keyValueWidth, hidden])
            try add("self_attn.v_proj.weight", [keyValueWidth, hidden])
            try add("self_attn.o_proj.weight", [hidden, queryWidth])
            if hasQKVBias {
                try add("self_attn.q_proj.bias", [queryWidth])
                try add("self_attn.k_proj.bias", [keyValueWidth])
                try add("self_attn.v_proj.bias", [keyValueWidth])
            }
            if hasOutputBias { try add("self_attn.o_proj.bias", [hidden]) }
            try add("post_attention_layernorm.weight", [hidden])
            try add("mlp.gate_proj.weight", [intermediate, hidden])
            try add("mlp.up_proj.weight", [intermediate, hidden])
            try add("mlp.down_proj.weight", [hidden, intermediate])
        }
        try body(Self.finalNorm, [hidden])
        // Tied models reuse the embedding; an lm_head in the file is then ignored, as HF does.
        if !config.tieWordEmbeddings { try body(Self.lmHead, [config.vocabSize, hidden]) }
    }

    /// Total parameters (the tied head counted once).
    public var parameterCount: Int { tensors.reduce(0) { $0 + $1.shape.reduce(1, *) } }
}
