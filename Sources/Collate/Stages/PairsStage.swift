import Foundation
import GRDB

/// The pairs stage (COLLATE.md section 3, steps 3-4) over the store: for every training prompt
/// scored in an iteration, pick the pair from its stored scores, apply the filter, and record
/// the auto label. Needs no model. Idempotent: an unchanged decision writes nothing, so a rerun
/// after a kill or after more scores arrive only adds what is new.
public enum PairsStage {
    public struct Report: Sendable, Equatable {
        public var kept = 0
        public var filtered = 0
        /// Prompts whose auto label was already this decision.
        public var unchanged = 0
        /// Training prompts without a baseline or without two providers' scores yet.
        public var notScored = 0
    }

    public static func run(session: Session, iteration: Int, at date: Date = Date()) throws -> Report {
        let manifest = session.manifest
        let rules = PairingRules(randomPairs: manifest.ablations.randomPairs, noFilter: manifest.ablations.noFilter,
                                 seed: manifest.seeds.pairs)
        let providers = 1...manifest.candidateCount
        return try session.store.write { db in
            var report = Report()
            let prompts = try Int64.fetchAll(db, sql: "SELECT id FROM prompt WHERE split = 'train' ORDER BY id")
            for promptID in prompts {
                let scores = try SessionStore.scores(db, promptID: promptID, iteration: iteration)
                let candidates = scores.filter { providers.contains($0.provider) }
                    .map { ScoredCandidate(provider: $0.provider, score: $0.score) }
                guard let baseline = scores.first(where: { $0.provider == ScoreRecord.baselineProvider }),
                      candidates.count >= 2 else {
                    report.notScored += 1
                    continue
                }
                let decision = try PairSelection.decide(
                    candidates: candidates, baseline: baseline.score, rules: rules, promptID: promptID,
                    iteration: iteration)
                let written = try SessionStore.writeAutoLabel(
                    db, promptID: promptID, iteration: iteration, decision: decision, at: date)
                if written.unchanged { report.unchanged += 1 }
                else if decision.kept { report.kept += 1 }
                else { report.filtered += 1 }
            }
            return report
        }
    }

    /// The latest iteration that has scores, if any (the CLI's default).
    public static func latestScoredIteration(_ store: SessionStore) throws -> Int? {
        try store.read { db in try Int.fetchOne(db, sql: "SELECT MAX(iteration) FROM score") }
    }
}
