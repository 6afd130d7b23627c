import Foundation

/// How a TRL export was made and how to train on it the way `collate train` would
/// (`collate_export.json` beside the data; `scale/train_dpo.py` reads it). Keys are snake_case
/// and the optimiser fields carry HF TrainingArguments / TRL DPOConfig names.
public struct DPOExportMetadata: Codable, Sendable, Equatable {
    public static let fileName = "collate_export.json"
    public static let formatVersion = "collate-dpo-export/1"

    public struct Optimisation: Codable, Sendable, Equatable {
        public var beta: Double
        public var lossType: String
        /// Weight of TRL's "sft" loss added to `lossType` (loss_type [lossType, "sft"],
        /// loss_weights [1, sftWeight]); 0: `lossType` alone.
        public var sftWeight: Double
        public var learningRate: Double
        public var lrSchedulerType: String
        public var warmupRatio: Double
        /// 0: no clipping.
        public var maxGradNorm: Double
        public var weightDecay: Double
        public var adamBeta1: Double
        public var adamBeta2: Double
        public var adamEpsilon: Double
        /// Pairs per optimiser step over all devices (split across processes by train_dpo.py).
        public var totalBatchSize: Int
        public var numTrainEpochs: Int
        public var maxSteps: Int?
        public var seed: UInt64
    }

    public struct LoRA: Codable, Sendable, Equatable {
        public var r: Int
        public var loraAlpha: Double
        public var loraDropout: Double
        public var targetModules: [String]
    }

    /// Effective labels of the iteration's training prompts, by what they say.
    public struct LabelCounts: Codable, Sendable, Equatable {
        public var trainPrompts: Int
        public var unlabelled: Int
        public var chosen: Int
        public var keptFiltered: Int
        public var filtered: Int
        public var dropped: Int
    }

    public var format: String
    public var session: String
    public var iteration: Int
    public var provider: Int
    /// Absolute path of the HF base the adapters apply to (mift/, else the manifest's model).
    public var baseModel: String
    /// The provider's adapter at the start of the iteration (PEFT, relative to the export
    /// directory): the policy's starting point and the reference of the stored log-probs.
    public var referenceAdapter: String
    public var trainFile: String
    public var pairs: Int
    /// Exported rows by label source ("auto", "human").
    public var labelSources: [String: Int]
    public var labels: LabelCounts
    public var optimisation: Optimisation
    public var lora: LoRA
    public var tokenBoundaries: String
    public var createdAt: String

    static let tokenRule = "ids = [bos]? + encode(prompt) + encode(completion) + [eos], prompt and completion "
        + "encoded separately; log-probs summed over the completion tokens and EOS"

    public static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        return encoder
    }

    public static func decoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return decoder
    }

    /// The model card of the export directory: HF dataset-card front matter whose `configs`
    /// tells `datasets.load_dataset(DIR)` that the data is `train.jsonl` (and nothing else in
    /// the directory), then how the data was made and how to train on it.
    public func card() -> String {
        let o = optimisation
        let sources = labelSources.keys.sorted().map { "\($0) \(labelSources[$0] ?? 0)" }.joined(separator: ", ")
        return """
            ---
            configs:
            - config_name: default
              data_files:
              - split: train
                path: \(trainFile)
            tags:
            - dpo
            - trl
            - collate
            ---

            # COLLATE preference pairs: session `\(session)`, iteration \(iteration), provider \(provider)

            \(pairs) DPO pairs in TRL's standard preference format (`prompt`, `chosen`, `rejected`), with
            the extra columns `prompt_id`, `chosen_provider`, `rejected_provider`, `score_chosen`,
            `score_rejected`, `label_source` and TRL's precomputed reference log-probs
            `ref_chosen_logps` / `ref_rejected_logps` (this provider's adapter at the start of the
            iteration, `\(referenceAdapter)/`, over the base `\(baseModel)`). A rationale's number is
            its column on the workbench's Compare screen: 1 to S for each provider's first rationale,
            then the further ones of `[loop] rationales_per_provider` (S + 1 is provider 1's second).

            ## How it was made

            - Session `\(session)`, iteration \(iteration), provider \(provider); written \(createdAt) by `collate export --format trl`.
            - Label sources of these pairs: \(sources.isEmpty ? "none" : sources).
            - The iteration's \(labels.trainPrompts) training prompts: \(labels.chosen) chosen pairs, \(labels.keptFiltered) kept although filtered,
              \(labels.filtered) filtered out, \(labels.dropped) dropped by a person, \(labels.unlabelled) without a label.
              A provider trains on the pairs of its partition of the training prompts.
            - Token boundaries: \(tokenBoundaries).

            ## Training settings (from the session manifest; `\(Self.fileName)` has them all)

            | setting | value |
            |---|---|
            | beta | \(o.beta) |
            | loss_type | \(o.sftWeight > 0 ? "\(o.lossType), sft (loss_weights 1, \(o.sftWeight))" : o.lossType) |
            | learning_rate | \(o.learningRate) |
            | lr_scheduler_type | \(o.lrSchedulerType) |
            | warmup_ratio | \(o.warmupRatio) |
            | max_grad_norm | \(o.maxGradNorm) |
            | weight_decay | \(o.weightDecay) |
            | AdamW betas, eps | \(o.adamBeta1), \(o.adamBeta2), \(o.adamEpsilon) |
            | pairs per step | \(o.totalBatchSize) |
            | epochs / max_steps | \(o.numTrainEpochs) / \(o.maxSteps.map(String.init) ?? "none") |
            | LoRA r, alpha, dropout, targets | \(lora.r), \(lora.loraAlpha), \(lora.loraDropout), \(lora.targetModules.joined(separator: " ")) |

            Train with `scale/train_dpo.py` (see `scale/README.md`): it starts from `\(referenceAdapter)/`, keeps
            these reference log-probs (`precompute_ref_log_probs`), and writes `trainer_state.json`, which
            `collate import-metrics \(session) trainer_state.json` puts on the Train screen.
            OpenRLHF reads `\(trainFile)` as it is: `--dataset \(trainFile) --prompt_key prompt --chosen_key chosen
            --rejected_key rejected`. LLaMA-Factory: `collate export \(session) --format llamafactory`.

            """
    }
}
