import TensorCore

/// One DPO pair as the trainer sees it (COLLATE.md section 3, step 5): the rendered I -> R
/// prompt and the two rationales, without the prompt.
public struct PreferencePair: Sendable, Equatable {
    /// The effective label's id: it keys the stored reference log-probs, so a label replaced
    /// by a person gets its own reference entry.
    public var id: Int64
    public var promptID: Int64
    public var prompt: String
    public var chosen: String
    public var rejected: String

    public init(id: Int64, promptID: Int64, prompt: String, chosen: String, rejected: String) {
        self.id = id
        self.promptID = promptID
        self.prompt = prompt
        self.chosen = chosen
        self.rejected = rejected
    }
}

/// Summed completion log-probs of a batch of pairs, one entry per pair.
public struct PairLogProbs {
    /// [B]: sum over the chosen completion's tokens and its EOS of log pi(token | prompt,
    /// earlier tokens), token boundaries as in FORMATS.md.
    public let chosen: Variable
    /// [B]: the same for the rejected completion.
    public let rejected: Variable
    /// Number of terms in each sum (completion tokens + EOS); IPO averages over them.
    public let chosenTokenCounts: [Int]
    public let rejectedTokenCounts: [Int]

    public init(chosen: Variable, rejected: Variable, chosenTokenCounts: [Int], rejectedTokenCounts: [Int]) {
        self.chosen = chosen
        self.rejected = rejected
        self.chosenTokenCounts = chosenTokenCounts
        self.rejectedTokenCounts = rejectedTokenCounts
    }
}

/// What the DPO trainer needs of a model: its trainable parameters and the log-probs of
/// completions. The Llama model with a named LoRA adapter implements it for real; tests use a
/// tiny differentiable language model.
///
/// The trainer owns the optimisation: it reads and writes the parameters' values (checkpoints)
/// and gradients (AdamW), so a policy must hand out the same `Variable` objects that its
/// forward pass uses.
public protocol PreferencePolicy {
    /// The parameters DPO updates, by name (for LoRA, the adapter's A and B matrices). The
    /// names key the checkpoint and the optimiser state, so they must be stable.
    var trainableParameters: [String: Variable] { get }

    /// Training mode: records the graph from the trainable parameters to the log-probs;
    /// dropout, if any, draws from `random` (its state is checkpointed).
    func sequenceLogProbs(_ pairs: [PreferencePair], random: inout SeededRandom) throws -> PairLogProbs

    /// Evaluation mode, nothing recorded: the reference log-probs, computed once per pair
    /// before training starts.
    func referenceLogProbs(_ pairs: [PreferencePair]) throws -> PairLogProbs
}
