import GRDB

/// One training step's metrics. Stored in camelCase columns; `trlNames` maps them to the names
/// TRL logs (FORMATS.md) for export and for importing a `trainer_state.json`.
public struct MetricRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "metric"
    public var id: Int64?
    public var runId: Int64
    public var step: Int
    public var loss: Double?
    public var rewardsChosen: Double?
    public var rewardsRejected: Double?
    public var rewardsMargins: Double?
    public var rewardsAccuracies: Double?
    public var logpsChosen: Double?
    public var logpsRejected: Double?
    public var logitsChosen: Double?
    public var logitsRejected: Double?
    public var gradNorm: Double?
    public var learningRate: Double?
    public var epoch: Double?
    /// The SFT term of the loss before its weight (`[dpo] sft_weight` > 0 only): TRL's RPO
    /// `nll_loss`. `loss` already includes it, weighted.
    public var nllLoss: Double?

    public init(id: Int64? = nil, runId: Int64, step: Int) {
        self.id = id
        self.runId = runId
        self.step = step
    }

    /// Column name -> TRL's name, in TRL's order.
    public static let trlNames: KeyValuePairs<String, String> = [
        "loss": "loss",
        "rewardsChosen": "rewards/chosen",
        "rewardsRejected": "rewards/rejected",
        "rewardsMargins": "rewards/margins",
        "rewardsAccuracies": "rewards/accuracies",
        "logpsChosen": "logps/chosen",
        "logpsRejected": "logps/rejected",
        "logitsChosen": "logits/chosen",
        "logitsRejected": "logits/rejected",
        "gradNorm": "grad_norm",
        "learningRate": "learning_rate",
        "epoch": "epoch",
        "nllLoss": "nll_loss",
    ]

    /// Fills the loss and the reward metrics from a DPO loss result.
    public mutating func record(_ result: DPOLossResult) {
        loss = result.loss
        rewardsChosen = result.rewardsChosen
        rewardsRejected = result.rewardsRejected
        rewardsMargins = result.rewardsMargins
        rewardsAccuracies = result.rewardsAccuracies
        logpsChosen = result.logpsChosen
        logpsRejected = result.logpsRejected
        nllLoss = result.sftLoss
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}
