/// The architecture families we run. All are the Llama decoder; they differ in defaults and
/// in Qwen2's q/k/v biases (which the checkpoint's tensors reveal, no flag says so).
public enum ModelType: String, Sendable, CaseIterable {
    case llama, qwen2, mistral

    /// The `architectures` entry Hugging Face writes for a causal LM of this type.
    public var causalLMArchitecture: String {
        switch self {
        case .llama: "LlamaForCausalLM"
        case .qwen2: "Qwen2ForCausalLM"
        case .mistral: "MistralForCausalLM"
        }
    }

    /// transformers' default `max_position_embeddings` for the type, used when the file omits it.
    var defaultMaxPositionEmbeddings: Int {
        switch self {
        case .llama: 2048
        case .qwen2: 32768
        case .mistral: 4096 * 32
        }
    }
}

/// A Llama-family `config.json`, with Hugging Face's defaults filled in. Read with
/// `ModelConfig(json:file:)` / `ModelConfig(contentsOf:)`, written back with `jsonText()`.
public struct ModelConfig: Sendable, Equatable {
    public var modelType: ModelType
    public var vocabSize: Int
    public var hiddenSize: Int
    public var intermediateSize: Int
    public var numHiddenLayers: Int
    public var numAttentionHeads: Int
    /// Grouped-query attention: each KV head serves numAttentionHeads / numKeyValueHeads query heads.
    public var numKeyValueHeads: Int
    /// Per-head width; not always hidden / heads (Qwen3-style configs set it explicitly).
    public var headDim: Int
    public var rmsNormEps: Double
    public var ropeTheta: Double
    public var ropeScaling: Llama3RopeScaling?
    public var tieWordEmbeddings: Bool
    public var maxPositionEmbeddings: Int
    public var bosTokenID: Int?
    /// Generation stops on any of these (the file may hold an int or a list).
    public var eosTokenIDs: [Int]
    /// `torch_dtype` (or the newer `dtype`): "float32", "bfloat16", "float16"; nil if absent.
    public var torchDtype: String?
    /// Llama's `attention_bias` flag. Qwen2 has q/k/v biases without a flag: look at the tensors.
    public var attentionBias: Bool
    /// Mistral's sliding attention window (tokens); nil means full attention. transformers
    /// defaults it to 4096 when the key is absent, so it is always written back explicitly.
    public var slidingWindow: Int?

    public init(
        modelType: ModelType, vocabSize: Int, hiddenSize: Int, intermediateSize: Int,
        numHiddenLayers: Int, numAttentionHeads: Int, numKeyValueHeads: Int? = nil,
        headDim: Int? = nil, rmsNormEps: Double = 1e-6, ropeTheta: Double = 10000,
        ropeScaling: Llama3RopeScaling? = nil, tieWordEmbeddings: Bool = false,
        maxPositionEmbeddings: Int? = nil, bosTokenID: Int? = nil, eosTokenIDs: [Int] = [],
        torchDtype: String? = nil, attentionBias: Bool = false, slidingWindow: Int? = nil
    ) {
        self.modelType = modelType
        self.vocabSize = vocabSize
        self.hiddenSize = hiddenSize
        self.intermediateSize = intermediateSize
        self.numHiddenLayers = numHiddenLayers
        self.numAttentionHeads = numAttentionHeads
        self.numKeyValueHeads = numKeyValueHeads ?? numAttentionHeads
        self.headDim = headDim ?? (numAttentionHeads > 0 ? hiddenSize / numAttentionHeads : 0)
        self.rmsNormEps = rmsNormEps
        self.ropeTheta = ropeTheta
        self.ropeScaling = ropeScaling
        self.tieWordEmbeddings = tieWordEmbeddings
        self.maxPositionEmbeddings = maxPositionEmbeddings ?? modelType.defaultMaxPositionEmbeddings
        self.bosTokenID = bosTokenID
        self.eosTokenIDs = eosTokenIDs
        self.torchDtype = torchDtype
        self.attentionBias = attentionBias
        self.slidingWindow = slidingWindow
    }

    /// Query heads per KV head.
    public var queryGroupSize: Int { numAttentionHeads / numKeyValueHeads }

    /// RoPE inverse frequencies for the rotary half-dimensions, `[headDim / 2]`, computed in
    /// Float32 exactly as transformers does (`_compute_default_rope_parameters`, or
    /// `_compute_llama3_parameters` when llama3 scaling is set).
    public func ropeInverseFrequencies() -> [Float] {
        let base = RopeFrequencies.defaultInverseFrequencies(theta: ropeTheta, dimension: headDim)
        guard let ropeScaling else { return base }
        return ropeScaling.scale(base)
    }
}
