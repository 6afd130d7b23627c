import GRDB

/// Where a session stands: what `collate status` prints and the workbench summarises.
public struct SessionStatus: Sendable, Equatable {
    public var promptsPerSplit: [DataSplit: Int] = [:]
    /// Training prompts that carry a gold rationale (the MIFT and stage-2 data).
    public var trainWithGoldRationale = 0
    public var iterations: [IterationStatus] = []
    public var runs: [String: Int] = [:]

    public var promptCount: Int { promptsPerSplit.values.reduce(0, +) }
}

public struct IterationStatus: Sendable, Equatable {
    public var iteration: Int
    public var generations = 0
    /// Rationale scores (providers 1...S) and baselines (l_0) stored.
    public var rationaleScores = 0
    public var baselineScores = 0
    /// The latest auto label of each prompt, by action.
    public var autoLabels: [LabelAction: Int] = [:]
    /// The latest human label of each prompt, by action.
    public var humanLabels: [LabelAction: Int] = [:]
    /// The effective labels by action: what DPO trains on (chosen + kept-filtered).
    public var effectiveLabels: [LabelAction: Int] = [:]
    public var agreement: LabelAgreement

    public var trainingPairs: Int { effectiveLabels.filter { $0.key.trains }.values.reduce(0, +) }
}

extension SessionStore {
    public func status() throws -> SessionStatus {
        try read { db in
            var status = SessionStatus()
            for row in try Row.fetchAll(db, sql: "SELECT split, COUNT(*) AS n FROM prompt GROUP BY split") {
                if let split = DataSplit(rawValue: row["split"]) { status.promptsPerSplit[split] = row["n"] }
            }
            status.trainWithGoldRationale = try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM prompt WHERE split = 'train' AND goldRationale IS NOT NULL
                """) ?? 0
            for row in try Row.fetchAll(db, sql: "SELECT kind, COUNT(*) AS n FROM run GROUP BY kind") {
                status.runs[row["kind"]] = row["n"]
            }
            let iterations = try Int.fetchAll(db, sql: """
                SELECT iteration FROM generation UNION SELECT iteration FROM score
                UNION SELECT iteration FROM label ORDER BY iteration
                """)
            for iteration in iterations {
                status.iterations.append(try iterationStatus(db, iteration: iteration))
            }
            return status
        }
    }

    private func iterationStatus(_ db: Database, iteration: Int) throws -> IterationStatus {
        let auto = try Self.latestPerPrompt(db, iteration: iteration, source: .auto)
        let human = try Self.latestPerPrompt(db, iteration: iteration, source: .human)
        let both = human.compactMap { id, humanLabel in auto[id].map { (auto: $0.decision, human: humanLabel.decision) } }
        var result = IterationStatus(iteration: iteration, agreement: LabelAgreement(both))
        result.generations = try Int.fetchOne(
            db, sql: "SELECT COUNT(*) FROM generation WHERE iteration = ?", arguments: [iteration]) ?? 0
        result.rationaleScores = try Int.fetchOne(
            db, sql: "SELECT COUNT(*) FROM score WHERE iteration = ? AND provider > 0", arguments: [iteration]) ?? 0
        result.baselineScores = try Int.fetchOne(
            db, sql: "SELECT COUNT(*) FROM score WHERE iteration = ? AND provider = 0", arguments: [iteration]) ?? 0
        for label in auto.values { result.autoLabels[label.action, default: 0] += 1 }
        for label in human.values { result.humanLabels[label.action, default: 0] += 1 }
        for label in auto.merging(human, uniquingKeysWith: { _, h in h }).values {
            result.effectiveLabels[label.action, default: 0] += 1
        }
        return result
    }
}
