import GRDB

/// Whole-iteration reads, one query each, for a reader that shows every prompt at once (the
/// workbench loads a session of thousands of prompts when it opens).
extension SessionStore {
    /// The latest iteration with a rationale, a score or a label anywhere in the session, if any.
    public func latestIteration() throws -> Int? {
        try read { db in
            try Int.fetchOne(db, sql: """
                SELECT MAX(iteration) FROM (
                    SELECT iteration FROM label UNION ALL SELECT iteration FROM score
                    UNION ALL SELECT iteration FROM generation)
                """)
        }
    }

    /// The prompts that have at least one rationale in `iteration`.
    public func promptIDsWithGenerations(iteration: Int) throws -> Set<Int64> {
        try read { db in
            Set(try Int64.fetchAll(db, sql: "SELECT DISTINCT promptId FROM generation WHERE iteration = ?",
                                   arguments: [iteration]))
        }
    }

    /// Every rationale of one iteration, by prompt then provider.
    public func generations(iteration: Int) throws -> [GenerationRecord] {
        try read { db in
            try GenerationRecord.filter(Column("iteration") == iteration)
                .order(Column("promptId"), Column("provider")).fetchAll(db)
        }
    }

    /// One provider's rationale for a prompt in an iteration.
    public func generation(promptID: Int64, iteration: Int, provider: Int) throws -> GenerationRecord? {
        try read { db in
            try GenerationRecord
                .filter(Column("promptId") == promptID && Column("iteration") == iteration
                        && Column("provider") == provider)
                .fetchOne(db)
        }
    }

    /// Every score of one iteration (baselines are provider 0), by prompt then provider.
    public func scores(iteration: Int) throws -> [ScoreRecord] {
        try read { db in
            try ScoreRecord.filter(Column("iteration") == iteration)
                .order(Column("promptId"), Column("provider")).fetchAll(db)
        }
    }

    /// Whether any prompt has been imported.
    public func hasPrompts() throws -> Bool {
        try read { db in try PromptRecord.fetchCount(db) > 0 }
    }
}
