/// The session manifest `session.toml`, written by people (DESIGN.md, Sessions). Paths are
/// relative to the session folder unless absolute. Defaults are those of COLLATE.md; where
/// COLLATE.md names none (templates, learning rates, batch sizes) the choice is ours and is
/// written next to the value in `ManifestDefaults`.
public struct SessionManifest: Sendable, Equatable {
    /// HF model directory (config.json, tokenizer.json, *.safetensors).
    public var model: String = "model"
    public var data: TaskDataSpec
    public var splits = SplitSpec()
    /// S, 1...8 ([providers] count). See `effectiveProviderCount` for the single-provider ablation.
    public var providerCount = 2
    /// [providers] max_examples: at most this many rationale-bearing examples per provider in
    /// the providers stage (the first of its subset by id; nil: the whole subset).
    public var providerStageLimit: Int?
    public var templates = PromptTemplates()
    public var decoding = DecodingSpec()
    /// Stage 1: LoRA on the base, merged into mift/.
    public var mift = TrainingSpec(learningRate: 2e-4, epochs: 1, maxSteps: nil, batchSize: 4, checkpointEvery: 50)
    /// [mift] skip: the manifest's model is M_IFT already (trained on the MIFT mixture, as the
    /// demo model is), so there is no MIFT stage and every stage uses `model` as M_IFT.
    public var miftSkipped = false
    public var dpo = DPOSpec()
    public var lora = LoRASpec()
    /// K, the number of loop iterations ([loop] iterations).
    public var iterations = 2
    /// N, the rationales each provider writes per training prompt in the loop ([loop]
    /// rationales_per_provider; S x N at most `maxCandidates`). COLLATE's is 1; more give
    /// best-vs-worst more candidates to choose among, so more prompts have a right and a wrong
    /// rationale and pass the filter.
    public var rationalesPerProvider = 1
    /// [loop] provider_pairs: which kept pairs of a round each provider trains on.
    public var providerPairs = ProviderPairs.partition
    public var seeds = SeedSpec()
    public var ablations = AblationSpec()

    public init(data: TaskDataSpec) {
        self.data = data
        // A test file is the test split; without one, a tenth of the training file is.
        splits.testFraction = data.test == nil ? 0.1 : 0
    }

    /// S as the loop uses it: 1 under the single-provider ablation, else [providers] count.
    public var effectiveProviderCount: Int { ablations.singleProvider ? 1 : providerCount }

    /// The most rationales per prompt (`candidateCount`): the Compare screen labels columns 1-8.
    public static let maxCandidates = 8

    /// Rationales written per training prompt in the loop, numbered 1...n in the `provider`
    /// column of generations, scores and labels: N (`rationalesPerProvider`) per provider, so
    /// n = S x N. Under the single-provider ablation a pair still needs two rationales, so the
    /// one provider writes max([providers] count, 2) x N of them. Candidates 1...S are each
    /// provider's first rationale, decoded as [decoding] says; candidate c > S is another
    /// rationale of provider `provider(ofCandidate: c)`, always sampled ([decoding]
    /// temperature, top_p, top_k), since a second greedy decoding would repeat the first.
    public var candidateCount: Int {
        (ablations.singleProvider ? max(providerCount, 2) : providerCount) * rationalesPerProvider
    }

    /// The candidates a prompt of `split` gets: all of them on training prompts, which are
    /// paired; one per provider on validation and test, which are only evaluated.
    public func candidates(for split: DataSplit) -> ClosedRange<Int> {
        1...(split == .train ? candidateCount : effectiveProviderCount)
    }

    /// The provider that writes candidate `candidate` (1...candidateCount): candidates cycle
    /// through the providers (with S = 2: 1, 2, 1, 2, ...); every one is provider 1's under the
    /// single-provider ablation.
    public func provider(ofCandidate candidate: Int) -> Int {
        Self.provider(ofCandidate: candidate, providers: effectiveProviderCount)
    }

    static func provider(ofCandidate candidate: Int, providers: Int) -> Int {
        (candidate - 1) % max(providers, 1) + 1
    }

    /// The column name of candidate `candidate`, as the paper names providers: RP1...RPS for
    /// the first rationale of each, "RP2/3" for provider 2's third.
    public func candidateName(_ candidate: Int) -> String {
        let providers = effectiveProviderCount
        guard candidate > providers else { return "RP\(candidate)" }
        return "RP\(provider(ofCandidate: candidate))/\((candidate - 1) / providers + 1)"
    }
}

public enum TaskDataFormat: String, Sendable, CaseIterable {
    case gsm8k
    case jsonl
}

public struct TaskDataSpec: Sendable, Equatable {
    public var format: TaskDataFormat
    /// Training examples (validation is carved out of them, see `SplitSpec`).
    public var train: String
    /// Test examples; without a file, the test split is carved out of `train`.
    public var test: String?
    /// Field names for generic JSONL (GSM8K's are fixed: question, answer).
    public var fields: FieldMapping?

    public init(format: TaskDataFormat, train: String, test: String? = nil, fields: FieldMapping? = nil) {
        self.format = format
        self.train = train
        self.test = test
        self.fields = fields
    }
}

public struct FieldMapping: Sendable, Equatable {
    public var instruction: String
    public var answer: String
    public var rationale: String?
    /// A list of strings; the answer is one of them (multiple choice).
    public var options: String?

    public init(instruction: String, answer: String, rationale: String? = nil, options: String? = nil) {
        self.instruction = instruction
        self.answer = answer
        self.rationale = rationale
        self.options = options
    }
}

public struct SplitSpec: Sendable, Equatable {
    public var seed: UInt64 = 0
    /// How many training examples form the validation split (COLLATE.md: 500 for GSM8K) ...
    public var validationSize: Int? = 500
    /// ... or which fraction of them (the manifest gives one or the other).
    public var validationFraction: Double?
    /// Fraction of the training file that becomes the test split: 0.1 by default when there is
    /// no test file, and 0 (required) when there is one.
    public var testFraction: Double = 0.1

    public init() {}
}

public enum DecodingStrategy: String, Sendable, CaseIterable {
    case greedy
    case sample
    case beam
}

public struct DecodingSpec: Sendable, Equatable {
    /// How the training prompts' rationales are decoded. Sampled by default: with greedy
    /// decoding, S providers that start from one model (no adapters yet) write the same text,
    /// best and worst tie and the filter keeps no pair to train on (the demo found this;
    /// COLLATE.md's greedy, and the paper's 3-beam search, are one key away).
    public var strategy: DecodingStrategy = .sample
    /// [decoding] eval_strategy: how the validation and test splits are decoded (the provider
    /// choice and the reported accuracy); nil: as `strategy`. Greedy by default, so the
    /// reported numbers are deterministic while the training rationales are sampled.
    public var evalStrategy: DecodingStrategy? = .greedy
    public var temperature = 0.7
    public var topP = 0.9
    /// 0 = no top-k cut.
    public var topK = 0
    public var beams = 3
    public var maxNewTokens = 256
    /// [decoding] batch_size: sequences decoded together in one forward pass (every provider
    /// and candidate of a chunk of prompts; continuously refilled). Only the speed depends on
    /// it: batched decoding is batch-invariant, so the rationales are the same for any value.
    /// 32: on SmolLM2-135M here (collate-bench generate) decode throughput flattens past 32.
    public var batchSize = 32

    public init() {}

    /// The decoding for prompts of `split`: `evalStrategy` (when set) on validation and test.
    public func forSplit(_ split: DataSplit) -> DecodingSpec {
        var decoding = self
        if split != .train, let evalStrategy { decoding.strategy = evalStrategy }
        return decoding
    }
}

/// Optimisation settings shared by MIFT and DPO.
public struct TrainingSpec: Sendable, Equatable {
    public var learningRate: Double
    public var epochs: Int
    /// When set, training stops after this many optimiser steps (TRL's max_steps).
    public var maxSteps: Int?
    public var batchSize: Int
    /// Optimiser steps between checkpoints.
    public var checkpointEvery: Int
}

public struct DPOSpec: Sendable, Equatable {
    public var beta = 0.1
    public var loss: DPOLossType = .sigmoid
    /// Weight w of an SFT term added to the loss: w times the mean negative log-likelihood of
    /// the chosen rationales' tokens (RPO, Pang et al. 2024; TRL 1.16 loss_type [loss, "sft"]
    /// with loss_weights [1, w]). 0, the default, is plain DPO as COLLATE.md states it.
    public var sftWeight = 0.0
    /// Our choice (COLLATE.md names none): a usual LoRA DPO learning rate.
    public var training = TrainingSpec(learningRate: 5e-5, epochs: 1, maxSteps: nil, batchSize: 4, checkpointEvery: 50)
    /// The optimiser settings HF Trainer/TRL name the same way, so an export can hand a run to
    /// TRL with the same schedule (their defaults here are HF Trainer's, except the scheduler).
    public var scheduler: LearningRateScheduler = .cosine
    /// Fraction of the steps spent warming up linearly (rounded up to whole steps).
    public var warmupRatio = 0.1
    /// Global gradient-norm clip; 0 turns clipping off (as HF Trainer's max_grad_norm = 0).
    public var maxGradNorm = 1.0
    /// AdamW's decoupled weight decay.
    public var weightDecay = 0.0

    public init() {}
}

/// The learning-rate schedule after the warm-up (HF's `lr_scheduler_type` names).
public enum LearningRateScheduler: String, Sendable, CaseIterable, Codable {
    /// Half a cosine from the peak down to 0 at the last step.
    case cosine
    /// The peak rate at every step after the warm-up.
    case constant
}

public enum LoRATarget: String, Sendable, CaseIterable {
    case q, k, v, o, gate, up, down
}

public struct LoRASpec: Sendable, Equatable {
    public var rank = 8
    public var alpha = 16.0
    public var dropout = 0.0
    public var targets: [LoRATarget] = [.q, .v]

    public init() {}
}

/// Which of a round's pairs each provider trains on in the loop (COLLATE.md section 3, step 5:
/// "configurable"). The providers stage keeps its disjoint subsets either way, so the providers
/// stay distinct; the no-provider-distinction ablation overrides both.
public enum ProviderPairs: String, Sendable, CaseIterable {
    /// COLLATE's default: the training prompts are partitioned across the providers (seed
    /// [seeds] pairs) and each trains on the pairs of its own part.
    case partition
    /// Every provider trains on every pair of the round: S times the DPO steps per round.
    case all
}

public struct SeedSpec: Sendable, Equatable {
    /// Weight init, data order, dropout.
    public var training: UInt64 = 0
    /// Decoding when the strategy samples.
    public var sampling: UInt64 = 0
    /// Provider partitions and the random-pairs ablation.
    public var pairs: UInt64 = 0

    public init() {}
}

/// COLLATE.md section 5.
public struct AblationSpec: Sendable, Equatable {
    public var singleProvider = false
    public var randomPairs = false
    public var noFilter = false
    /// All providers tuned on the same data instead of disjoint subsets.
    public var noProviderDistinction = false

    public init() {}
}
