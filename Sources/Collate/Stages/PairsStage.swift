import Foundation

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
        let written = try session.store.writeAutoLabels(iteration: iteration, at: date) { promptID, scores in
            let candidates = scores.filter { providers.contains($0.provider) }
                .map { ScoredCandidate(provider: $0.provider, score: $0.score) }
            guard let baseline = scores.first(where: { $0.provider == ScoreRecord.baselineProvider }),
                  candidates.count >= 2 else { return nil }
            return try PairSelection.decide(candidates: candidates, baseline: baseline.score, rules: rules,
                                            promptID: promptID, iteration: iteration)
        }
        var report = Report()
        for (decision, unchanged) in written {
            guard let decision else {
                report.notScored += 1
                continue
            }
            if unchanged { report.unchanged += 1 }
            else if decision.kept { report.kept += 1 }
            else { report.filtered += 1 }
        }
        return report
    }

    /// The latest iteration that has scores, if any (the CLI's default).
    public static func latestScoredIteration(_ store: SessionStore) throws -> Int? {
        try store.latestScoredIteration()
    }
}
