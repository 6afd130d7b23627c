import LLM

/// Every knob of the demo recipe. The whole build is a function of this value and the
/// training problems: same configuration, same files.
public struct DemoRecipeConfiguration: Sendable, Equatable, Codable {
    // Tokenizer.
    public var vocabularySize: Int
    // Model (Llama architecture, tied embeddings, grouped-query attention).
    public var hiddenSize: Int
    public var layers: Int
    public var attentionHeads: Int
    public var keyValueHeads: Int
    public var intermediateSize: Int
    public var contextLength: Int
    // Optimisation.
    public var steps: Int
    public var batchSize: Int
    public var peakLearningRate: Float
    public var minimumLearningRate: Float
    public var warmupSteps: Int
    public var weightDecay: Float
    public var maxGradientNorm: Float
    public var checkpointEvery: Int
    public var seed: UInt64
    /// How often each mode is drawn (I -> A, I -> R, [I; R] -> A), relative to the others.
    public var modeWeights: [Int] = [1, 1, 1]
    /// Fresh generated problems trained on beside the session's training split
    /// (`DemoExtraProblems`): none is a question of the session's data files.
    public var extraProblems = 0

    public init(vocabularySize: Int, hiddenSize: Int, layers: Int, attentionHeads: Int, keyValueHeads: Int,
                intermediateSize: Int, contextLength: Int, steps: Int, batchSize: Int, peakLearningRate: Float,
                minimumLearningRate: Float, warmupSteps: Int, weightDecay: Float, maxGradientNorm: Float,
                checkpointEvery: Int, seed: UInt64) {
        self.vocabularySize = vocabularySize
        self.hiddenSize = hiddenSize
        self.layers = layers
        self.attentionHeads = attentionHeads
        self.keyValueHeads = keyValueHeads
        self.intermediateSize = intermediateSize
        self.contextLength = contextLength
        self.steps = steps
        self.batchSize = batchSize
        self.peakLearningRate = peakLearningRate
        self.minimumLearningRate = minimumLearningRate
        self.warmupSteps = warmupSteps
        self.weightDecay = weightDecay
        self.maxGradientNorm = maxGradientNorm
        self.checkpointEvery = checkpointEvery
        self.seed = seed
    }

    /// The bundled model's recipe, sized to train in under 30 minutes on two shared cores.
    /// Rationales are drawn three times as often as each answer mode: writing them is the
    /// hard skill (the arithmetic), while reading an answer off a rationale is learnt early.
    public static let standard: DemoRecipeConfiguration = {
        var standard = DemoRecipeConfiguration(
            vocabularySize: 640, hiddenSize: 128, layers: 4, attentionHeads: 4, keyValueHeads: 2,
            intermediateSize: 352, contextLength: 256, steps: 3500, batchSize: 16, peakLearningRate: 3e-3,
            minimumLearningRate: 1.5e-4, warmupSteps: 50, weightDecay: 0.01, maxGradientNorm: 1,
            checkpointEvery: 50, seed: 0)
        standard.modeWeights = [1, 3, 1]
        standard.extraProblems = 40_000
        return standard
    }()

    /// A model small enough for a unit test to train for a few steps in a debug build.
    public static func tiny(steps: Int, seed: UInt64 = 0) -> DemoRecipeConfiguration {
        DemoRecipeConfiguration(
            vocabularySize: 300, hiddenSize: 16, layers: 1, attentionHeads: 2, keyValueHeads: 1,
            intermediateSize: 24, contextLength: 256, steps: steps, batchSize: 4, peakLearningRate: 1e-2,
            minimumLearningRate: 1e-3, warmupSteps: 1, weightDecay: 0.01, maxGradientNorm: 1,
            checkpointEvery: 2, seed: seed)
    }

    /// The model's config.json for a tokenizer whose end-of-text token is `eosID`.
    public func modelConfig(eosID: Int) -> ModelConfig {
        ModelConfig(
            modelType: .llama, vocabSize: vocabularySize, hiddenSize: hiddenSize,
            intermediateSize: intermediateSize, numHiddenLayers: layers, numAttentionHeads: attentionHeads,
            numKeyValueHeads: keyValueHeads, rmsNormEps: 1e-5, ropeTheta: 10000, tieWordEmbeddings: true,
            maxPositionEmbeddings: contextLength, bosTokenID: nil, eosTokenIDs: [eosID])
    }

    /// A human-readable reason the configuration cannot train, or nil.
    public var problem: String? {
        if vocabularySize < 257 { return "the vocabulary must hold the end-of-text token and 256 bytes" }
        if hiddenSize <= 0 || layers <= 0 || intermediateSize <= 0 { return "model sizes must be positive" }
        if attentionHeads <= 0 || keyValueHeads <= 0 || attentionHeads % keyValueHeads != 0
            || hiddenSize % attentionHeads != 0 {
            return "heads must divide the hidden size and key/value heads must divide the heads"
        }
        if steps <= 0 || batchSize <= 0 || checkpointEvery <= 0 { return "steps, batch size and checkpoint interval must be positive" }
        if contextLength < 16 { return "the context must hold at least 16 tokens" }
        if extraProblems < 0 { return "the number of extra problems cannot be negative" }
        if modeWeights.count != 3 || modeWeights.contains(where: { $0 < 0 }) || modeWeights.reduce(0, +) == 0 {
            return "the mode weights are three non-negative numbers, not all zero"
        }
        return nil
    }
}
