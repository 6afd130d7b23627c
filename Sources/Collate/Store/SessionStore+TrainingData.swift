import Foundation
import GRDB

/// Typed questions about the training split, so that no stage writes SQL (`PairsStage`,
/// `PreferenceExport`, the exports).
extension SessionStore {
    /// The training split's prompt ids, ascending.
    public func trainPromptIDs() throws -> [Int64] {
        try read { db in try Self.trainPromptIDs(db) }
    }

    static func trainPromptIDs(_ db: Database) throws -> [Int64] {
        try Int64.fetchAll(db, sql: "SELECT id FROM prompt WHERE split = ? ORDER BY id", arguments: [DataSplit.train.rawValue])
    }

    /// The effective labels of the iteration's training prompts, and how many training prompts
    /// there are (one read: the two agree).
    public func trainingLabelsInForce(iteration: Int) throws -> (trainPrompts: Int, labels: [LabelRecord]) {
        try read { db in
            let trainIDs = Set(try Self.trainPromptIDs(db))
            return (trainIDs.count, try Self.effectiveLabels(db, iteration: iteration).filter { trainIDs.contains($0.promptId) })
        }
    }

    /// A training prompt whose effective label trains, with the iteration's rationales of it.
    public struct TrainingLabel: Sendable {
        public let label: LabelRecord
        public let prompt: PromptRecord
        public let generations: [GenerationRecord]
    }

    /// What the preference rows of an iteration are built from, read in one transaction (a
    /// label written meanwhile by the workbench is in all of it or none of it).
    public struct PreferenceSources: Sendable {
        public let trainPromptIDs: [Int64]
        /// By prompt id, ascending.
        public let labels: [TrainingLabel]
        /// Stored reference log-probs by provider, then label id.
        public let references: [Int: [Int64: ReferenceLogprobRecord]]
    }

    public func preferenceSources(iteration: Int) throws -> PreferenceSources {
        try read { db in
            var labels: [TrainingLabel] = []
            for label in try Self.effectiveLabels(db, iteration: iteration) where label.action.trains {
                guard let prompt = try PromptRecord.fetchOne(db, key: label.promptId), prompt.split == .train else { continue }
                let generations = try GenerationRecord
                    .filter(Column("promptId") == label.promptId && Column("iteration") == iteration)
                    .fetchAll(db)
                labels.append(TrainingLabel(label: label, prompt: prompt, generations: generations))
            }
            var references: [Int: [Int64: ReferenceLogprobRecord]] = [:]
            for row in try ReferenceLogprobRecord.filter(Column("iteration") == iteration).order(Column("id")).fetchAll(db) {
                if references[row.provider, default: [:]][row.labelId] == nil {
                    references[row.provider, default: [:]][row.labelId] = row
                }
            }
            return PreferenceSources(trainPromptIDs: try Self.trainPromptIDs(db), labels: labels, references: references)
        }
    }

    /// The latest iteration that has scores, if any.
    public func latestScoredIteration() throws -> Int? {
        try read { db in try Int.fetchOne(db, sql: "SELECT MAX(iteration) FROM score") }
    }

    /// Records an auto label for every training prompt of the iteration in one transaction:
    /// `decide` gets the prompt's stored scores (baseline first) and returns its decision, or
    /// nil when it cannot pair yet. Returns, per prompt decided, whether the label was unchanged.
    public func writeAutoLabels(iteration: Int, at date: Date,
                                decide: @Sendable (_ promptID: Int64, _ scores: [ScoreRecord]) throws -> PairDecision?)
        throws -> [(decision: PairDecision?, unchanged: Bool)] {
        try write { db in
            var results: [(PairDecision?, Bool)] = []
            for promptID in try Self.trainPromptIDs(db) {
                guard let decision = try decide(promptID, try Self.scores(db, promptID: promptID, iteration: iteration)) else {
                    results.append((nil, false))
                    continue
                }
                let written = try Self.writeAutoLabel(db, promptID: promptID, iteration: iteration, decision: decision, at: date)
                results.append((decision, written.unchanged))
            }
            return results
        }
    }
}
