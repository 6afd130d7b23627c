/// The llama architecture of a GGUF file (llama.cpp's `LLM_ARCH_LLAMA`): `llama.*` metadata
/// as our `ModelConfig`, and `blk.N.*` tensor names as our `LlamaWeightLayout` names.
///
/// llama.cpp's convert_hf_to_gguf.py permutes the rows of q_proj and k_proj (weights and
/// biases) so that each head's two RoPE halves are interleaved (ggml rotates adjacent pairs,
/// Hugging Face rotates the halves): HF row `h*D + j*(D/2) + i` becomes GGUF row
/// `h*D + 2*i + j` for head h, i < D/2, j < 2. `unpermutedRows` undoes that.
public enum GGUFLlama {
    public static let architecture = "llama"
    /// The largest width or count a llama.* size key may state (real models: under 2^17).
    public static let maximumSize = 1 << 20

    /// Our tensor name -> the GGUF tensor name.
    public static func ggufName(of name: String) -> String? {
        switch name {
        case LlamaWeightLayout.embedding: return "token_embd.weight"
        case LlamaWeightLayout.finalNorm: return "output_norm.weight"
        case LlamaWeightLayout.lmHead: return "output.weight"
        default: break
        }
        let prefix = "model.layers."
        guard name.hasPrefix(prefix) else { return nil }
        let rest = name.dropFirst(prefix.count)
        guard let dot = rest.firstIndex(of: "."), let layer = Int(rest[..<dot]) else { return nil }
        let suffix = String(rest[rest.index(after: dot)...])
        let mapped: String? = switch suffix {
        case "input_layernorm.weight": "attn_norm.weight"
        case "self_attn.q_proj.weight": "attn_q.weight"
        case "self_attn.k_proj.weight": "attn_k.weight"
        case "self_attn.v_proj.weight": "attn_v.weight"
        case "self_attn.o_proj.weight": "attn_output.weight"
        case "self_attn.q_proj.bias": "attn_q.bias"
        case "self_attn.k_proj.bias": "attn_k.bias"
        case "self_attn.v_proj.bias": "attn_v.bias"
        case "self_attn.o_proj.bias": "attn_output.bias"
        case "post_attention_layernorm.weight": "ffn_norm.weight"
        case "mlp.gate_proj.weight": "ffn_gate.weight"
        case "mlp.up_proj.weight": "ffn_up.weight"
        case "mlp.down_proj.weight": "ffn_down.weight"
        default: nil
        }
        return mapped.map { "blk.\(layer).\($0)" }
    }

    /// The number of heads whose rows convert_hf_to_gguf.py interleaved in `name`, if any.
    public static func permutedHeads(of name: String, config: ModelConfig) -> Int? {
        if name.hasSuffix("self_attn.q_proj.weight") || name.hasSuffix("self_attn.q_proj.bias") {
            return config.numAttentionHeads
        }
        if name.hasSuffix("self_attn.k_proj.weight") || name.hasSuffix("self_attn.k_proj.bias") {
            return config.numKeyValueHeads
        }
        return nil
    }

    /// Undoes the RoPE row interleaving of a [heads * headDim, columns] row-major matrix (or a
    /// bias: columns 1). Elements are values, or the bytes of rows of quantized blocks.
    public static func unpermutedRows<Element>(_ values: [Element], heads: Int, columns: Int) -> [Element] {
        let rows = values.count / max(columns, 1)
        guard heads > 0, rows % heads == 0, (rows / heads) % 2 == 0, rows * columns == values.count else { return values }
        let headDim = rows / heads, half = headDim / 2
        var result = values
        for head in 0..<heads {
            for i in 0..<half {
                for j in 0..<2 {
                    let source = head * headDim + 2 * i + j
                    let target = head * headDim + j * half + i
                    for c in 0..<columns { result[target * columns + c] = values[source * columns + c] }
                }
            }
        }
        return result
    }

    /// `llama.*` metadata as a config. The vocabulary size and tying come from the tensors
    /// (token_embd's rows; output.weight absent means tied), as llama.cpp decides them.
    public static func config(_ file: GGUFFile) throws(GGUFError) -> ModelConfig {
        let path = file.path
        let architecture = try file.string("general.architecture")
        guard architecture == Self.architecture else {
            throw .unsupportedModel(file: path, reason: "general.architecture is \"\(architecture)\"; only \"llama\" is supported")
        }
        func key(_ name: String) -> String { "llama.\(name)" }
        // Sizes are bounded so that products of them cannot overflow (a corrupt header must
        // give an error, not a trap or a layout of a billion layers).
        func positive(_ name: String, limit: Int = maximumSize) throws(GGUFError) -> Int {
            let value = try file.int(key(name))
            guard value > 0, value <= limit else {
                throw .invalidValue(file: path, key: key(name), reason: "must be in 1...\(limit), found \(value)")
            }
            return value
        }
        func optionalPositive(_ name: String) throws(GGUFError) -> Int? {
            file.has(key(name)) ? try positive(name) : nil
        }
        let hidden = try positive("embedding_length")
        let heads = try positive("attention.head_count")
        let kvHeads = try optionalPositive("attention.head_count_kv") ?? heads
        guard kvHeads > 0, heads % kvHeads == 0 else {
            throw .invalidValue(file: path, key: key("attention.head_count_kv"), reason: "\(kvHeads) does not divide the \(heads) heads")
        }
        let headDim = try optionalPositive("attention.key_length") ?? hidden / heads
        guard headDim > 0, headDim % 2 == 0 else {
            throw .invalidValue(file: path, key: key("attention.key_length"), reason: "head width \(headDim) must be positive and even (RoPE rotates pairs)")
        }
        if let valueLength = try file.optionalInt(key("attention.value_length")), valueLength != headDim {
            throw .unsupportedModel(file: path, reason: "llama.attention.value_length \(valueLength) differs from key_length \(headDim)")
        }
        if let ropeDims = try file.optionalInt(key("rope.dimension_count")), ropeDims != headDim {
            throw .unsupportedModel(file: path, reason: "llama.rope.dimension_count \(ropeDims) is not the head width \(headDim) (partial RoPE is not supported)")
        }
        if let scaling = try file.optionalString(key("rope.scaling.type")), scaling != "none" {
            throw .unsupportedModel(file: path, reason: "llama.rope.scaling.type \"\(scaling)\" is not supported")
        }
        if file.contains("rope_freqs.weight") {
            throw .unsupportedModel(file: path, reason: "tensor \"rope_freqs.weight\" (Llama 3.1 RoPE scaling) is not supported")
        }
        if let experts = try file.optionalInt(key("expert_count")), experts > 0 {
            throw .unsupportedModel(file: path, reason: "llama.expert_count \(experts): mixture-of-experts models are not supported")
        }
        let embedding = try file.info("token_embd.weight")
        guard embedding.dimensions.count == 2, embedding.dimensions[0] == hidden else {
            throw .tensorShapeMismatch(file: path, tensor: "token_embd.weight", expected: [hidden, -1], found: embedding.dimensions)
        }
        let vocab = embedding.dimensions[1]
        if let declared = try file.optionalInt(key("vocab_size")), declared != vocab {
            throw .invalidValue(file: path, key: key("vocab_size"), reason: "\(declared) but token_embd.weight has \(vocab) rows")
        }
        let eos = try file.optionalInt("tokenizer.ggml.eos_token_id")
        return ModelConfig(
            modelType: .llama, vocabSize: vocab, hiddenSize: hidden,
            intermediateSize: try positive("feed_forward_length"),
            numHiddenLayers: try positive("block_count", limit: max(1, file.header.tensors.count)),
            numAttentionHeads: heads, numKeyValueHeads: kvHeads, headDim: headDim,
            rmsNormEps: try file.optionalDouble(key("attention.layer_norm_rms_epsilon")) ?? 1e-5,
            ropeTheta: try file.optionalDouble(key("rope.freq_base")) ?? 10000,
            tieWordEmbeddings: !file.contains("output.weight"),
            maxPositionEmbeddings: try positive("context_length", limit: 1 << 30),
            bosTokenID: try file.optionalInt("tokenizer.ggml.bos_token_id"),
            eosTokenIDs: eos.map { [$0] } ?? [],
            attentionBias: file.contains("blk.0.attn_q.bias"))
    }
}
