/// The pairs a provider trains on: one definition for the trainer, the exports and the
/// providers stage.
extension SessionWorkspace {
    /// The effective labels that train, of the training prompts in `provider`'s partition
    /// (iteration 0: the providers stage's subset), in prompt order, each keyed by its label's
    /// id: exactly the rows the TRL export writes for that provider (`PreferenceExport`).
    public func trainingPairs(iteration: Int, provider: Int) throws -> [PreferencePair] {
        let rows = try PreferenceExport.labelledRows(session: session, iteration: iteration, providers: [provider])
        return (rows[provider] ?? []).map { labelled in
            PreferencePair(id: labelled.labelID, promptID: labelled.row.promptID, prompt: labelled.row.prompt,
                           chosen: labelled.row.chosen, rejected: labelled.row.rejected)
        }
    }
}
