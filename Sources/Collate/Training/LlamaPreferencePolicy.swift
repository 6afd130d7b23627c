import LLM
import TensorCore

/// A provider as DPO trains it (DESIGN.md: provider s = base + adapter s): the Llama model with
/// one named LoRA adapter, whose A and B factors are the only trainable parameters.
///
/// Log-probs follow the token-boundary rule of FORMATS.md (`completionTokenIDs`: prompt and
/// completion encoded separately, BOS when the tokenizer adds one, EOS appended to the
/// completion); both sides of every pair of a batch go through one right-padded forward pass
/// and each sum runs over the completion's tokens and its EOS only.
public final class LlamaPreferencePolicy: PreferencePolicy {
    public let model: LlamaModel
    public let tokenizer: Tokenizer
    public let adapterName: String

    /// `model.adapters[adapterName]` is trained; the base is frozen.
    public init(model: LlamaModel, tokenizer: Tokenizer, adapterName: String) throws(TrainingError) {
        guard model.adapters[adapterName] != nil else {
            throw .policy("the model has no LoRA adapter named \"\(adapterName)\"")
        }
        model.setBaseTrainable(false)
        self.model = model
        self.tokenizer = tokenizer
        self.adapterName = adapterName
    }

    /// The adapter's factors by their PEFT names (`base_model.model.model.layers.{i}.
    /// self_attn.q_proj.lora_A.weight`, ...), as they are saved.
    public var trainableParameters: [String: Variable] {
        var named: [String: Variable] = [:]
        for (index, parameter) in (model.adapters[adapterName]?.parameters ?? []).enumerated() {
            named[parameter.name ?? "lora.\(index)"] = parameter
        }
        return named
    }

    public func sequenceLogProbs(_ pairs: [PreferencePair], random: inout SeededRandom) throws -> PairLogProbs {
        try logProbs(pairs)
    }

    public func referenceLogProbs(_ pairs: [PreferencePair]) throws -> PairLogProbs {
        try withNoGrad { try logProbs(pairs) }
    }

    private func logProbs(_ pairs: [PreferencePair]) throws -> PairLogProbs {
        guard !pairs.isEmpty else { throw TrainingError.policy("an empty batch") }
        // Rows 0..<B: prompt + chosen; rows B..<2B: prompt + rejected.
        var rows: [[Int]] = [], promptLengths: [Int] = [], completionLengths: [Int] = []
        for (pair, completion) in pairs.map({ ($0, $0.chosen) }) + pairs.map({ ($0, $0.rejected) }) {
            let ids = try model.completionTokenIDs(prompt: pair.prompt, completion: completion, tokenizer: tokenizer)
            guard !ids.prompt.isEmpty else {
                throw TrainingError.policy("pair \(pair.id): the prompt has no tokens, the first completion token would have no context")
            }
            let row = ids.prompt + ids.completion
            if let bad = row.first(where: { $0 < 0 || $0 >= model.config.vocabSize }) {
                throw TrainingError.policy("pair \(pair.id): token id \(bad) is outside the model's vocabulary of \(model.config.vocabSize) (a tokenizer.json of another model?)")
            }
            guard row.count <= model.contextLength else {
                throw TrainingError.policy("pair \(pair.id) (prompt \(pair.promptID)): \(row.count) tokens exceed the context of \(model.contextLength)")
            }
            rows.append(row)
            promptLengths.append(ids.prompt.count)
            completionLengths.append(ids.completion.count)
        }
        // Sums over the completion's tokens and its EOS: positions from the prompt length on.
        let sums = model.sequenceLogProbSums(TokenBatch(rows: rows), scoredFrom: promptLengths,
                                             adapter: adapterName)                 // [2B]
        let (b, n) = (pairs.count, rows.count)
        return PairLogProbs(chosen: sums.slice(axis: 0, 0..<b), rejected: sums.slice(axis: 0, b..<n),
                            chosenTokenCounts: Array(completionLengths[..<b]),
                            rejectedTokenCounts: Array(completionLengths[b...]))
    }
}
