import Foundation

/// The DPO reference log-probs of a provider's pairs in one iteration (TRL's ref_chosen_logps /
/// ref_rejected_logps): those already stored, plus those computed now, with the policy as it
/// stands (the provider at the start of the iteration), and stored a batch per transaction.
/// Shared by the trainer (before its first step) and the TRL export (which hands them to TRL).
enum ReferenceLogprobComputation {
    static func completeMissing(store: SessionStore, policy: any PreferencePolicy, pairs: [PreferencePair],
                                iteration: Int, provider: Int, batchSize: Int) throws
        -> (stored: [Int64: ReferenceLogprobRecord], computed: Int) {
        var stored = try store.referenceLogprobs(iteration: iteration, provider: provider)
        let missing = pairs.filter { stored[$0.id] == nil }
        var start = 0
        while start < missing.count {
            let chunk = Array(missing[start..<min(start + max(1, batchSize), missing.count)])
            start += chunk.count
            let result = try policy.referenceLogProbs(chunk)
            try DPOTrainer.checkShapes(result, count: chunk.count)
            let chosen = result.chosen.value.scalars, rejected = result.rejected.value.scalars
            var records: [ReferenceLogprobRecord] = []
            for (i, pair) in chunk.enumerated() {
                for (side, value) in [("chosen", chosen[i]), ("rejected", rejected[i])] where !value.isFinite {
                    throw TrainingError.policy("the reference log-prob of the \(side) completion of pair \(pair.id) "
                                               + "(prompt \(pair.promptID)) is \(DPOTrainer.describe(Double(value)))")
                }
                records.append(ReferenceLogprobRecord(
                    labelId: pair.id, promptId: pair.promptID, iteration: iteration, provider: provider,
                    chosenLogp: Double(chosen[i]), rejectedLogp: Double(rejected[i]),
                    chosenTokens: result.chosenTokenCounts[i], rejectedTokens: result.rejectedTokenCounts[i]))
            }
            try store.saveReferenceLogprobs(records)
            for record in records { stored[record.labelId] = record }
        }
        return (stored, missing.count)
    }
}
