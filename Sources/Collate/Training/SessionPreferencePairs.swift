/// The pairs a provider trains on in an iteration: `SessionWorkspace.trainingPairs`, for a
/// caller that holds only the session.
public enum SessionPreferencePairs {
    public static func pairs(session: Session, iteration: Int, provider: Int) throws -> [PreferencePair] {
        try SessionWorkspace(session).trainingPairs(iteration: iteration, provider: provider)
    }
}
