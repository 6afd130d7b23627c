/// The pairs a provider trains on in an iteration, from the session: the effective labels that
/// train, of the training prompts in that provider's partition (`PreferenceExport.rows`, the
/// same rows the TRL export writes), each keyed by its label's id.
public enum SessionPreferencePairs {
    public static func pairs(session: Session, iteration: Int, provider: Int) throws -> [PreferencePair] {
        let rows = try PreferenceExport.rows(session: session, iteration: iteration)[provider] ?? []
        let labelIDs = try labelIDsByPrompt(session.store, iteration: iteration)
        return try rows.map { row in
            guard let labelID = labelIDs[row.promptID] else {
                throw StoreError.corrupt("prompt \(row.promptID) has a preference row but no effective label")
            }
            return PreferencePair(id: labelID, promptID: row.promptID, prompt: row.prompt, chosen: row.chosen,
                                  rejected: row.rejected)
        }
    }

    static func labelIDsByPrompt(_ store: SessionStore, iteration: Int) throws -> [Int64: Int64] {
        var ids: [Int64: Int64] = [:]
        for label in try store.effectiveLabels(iteration: iteration) {
            if let id = label.id { ids[label.promptId] = id }
        }
        return ids
    }
}
