import Foundation
import GRDB
import Testing
@testable import Collate

@Suite struct LoopRunnerTests {
    /// A tiny session for the whole loop: the stage fixture's random model as M_IFT ([mift]
    /// skip), 4 training prompts with gold rationales, 2 validation, 3 test, K = 2.
    static func fixture() throws -> (StageFixture, Session) {
        let (fixture, session) = try ProvidersStageTests.fixture(train: 4) { manifest in
            manifest.miftSkipped = true
            manifest.iterations = 2
            manifest.dpo.training = TrainingSpec(learningRate: 0.02, epochs: 1, maxSteps: nil, batchSize: 2,
                                                 checkpointEvery: 1)
        }
        return (fixture, session)
    }

    /// Rows per table: a rerun must not add any.
    static func counts(_ store: SessionStore) throws -> [String: Int] {
        try store.read { db in
            var counts: [String: Int] = [:]
            for table in ["generation", "score", "prediction", "label", "evaluation", "run", "referenceLogprob"] {
                counts[table] = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)") ?? -1
            }
            return counts
        }
    }

    @Test func theLoopRunsEndToEndPrintsConsistentRowsAndResumesWithoutDuplicates() throws {
        let (fixture, session) = try Self.fixture()
        defer { fixture.remove() }
        var stages: [String] = []
        var rowsSeen: [Int] = []
        let rows = try LoopRunner.run(session: session) { event in
            if case .stage(let name) = event { stages.append(name) }
            if case .row(let row) = event { rowsSeen.append(row.iteration) }
            return .proceed
        }
        #expect(rowsSeen == [0, 1, 2] && rows.map(\.iteration) == [0, 1, 2])
        #expect(stages.first == "providers" && stages.contains("iteration 2: DPO provider 2") && !stages.contains("mift"))
        for row in rows {
            #expect(row.direct?.total == 3 && row.providers.keys.sorted() == [1, 2] && row.oracle?.total == 3)
            let selected = try #require(row.selectedProvider)
            #expect(row.selected == row.providers[selected])
            #expect((row.oracle?.correct ?? 0) >= (row.providers.values.map(\.correct).max() ?? 0))
            #expect(row.pairsKept <= row.pairsFormed && row.pairsTrained == row.pairsKept)
        }
        // Round 0: the providers stage's pairs (every rationale-bearing prompt, no scores);
        // rounds 1-2: one auto label per training prompt, from the scores of that round.
        #expect(rows[0].pairsFormed == 4 && rows[0].meanChosenScore == nil)
        #expect(rows[1].pairsFormed == 4 && rows[2].pairsFormed == 4)
        for row in rows.dropFirst() {
            #expect((row.meanChosenScore ?? 0) >= (row.meanRejectedScore ?? 1))
            if row.pairsKept > 0 { #expect((row.keptMeanChosenScore ?? 0) > (row.keptMeanRejectedScore ?? 1)) }
        }
        // Adapters of every round exist; evaluations of store iterations 1...3.
        for round in 0...2 {
            for provider in 1...2 {
                let config = ProviderAdapters.directory(session.location, iteration: round, provider: provider)
                    .appendingPathComponent("adapter_config.json")
                #expect(FileManager.default.fileExists(atPath: config.path))
            }
            #expect(try session.store.evaluation(iteration: round + 1).count == 5)  // direct, p1, p2, selected, oracle
        }

        let before = try Self.counts(session.store)
        let again = try LoopRunner.run(session: session)
        #expect(again == rows)
        #expect(try Self.counts(session.store) == before)
    }

    @Test func aSummaryRowReadsTheStoreAsTheRunWroteIt() throws {
        let (fixture, session) = try Self.fixture()
        defer { fixture.remove() }
        let store = session.store
        // Round 1: prompt 1 kept (l 0.6 vs 0.2), prompt 2 kept (0.8 vs 0.4), prompt 3 filtered.
        let decisions: [(Int64, Double, Double, Bool)] = [(1, 0.6, 0.2, true), (2, 0.8, 0.4, true), (3, 0.3, 0.3, false)]
        for (prompt, chosen, rejected, kept) in decisions {
            try store.writeAutoLabel(promptID: prompt, iteration: 1, decision: PairDecision(
                chosen: ScoredCandidate(provider: 1, score: chosen), rejected: ScoredCandidate(provider: 2, score: rejected),
                baseline: 0.1, kept: kept))
        }
        _ = try store.writeHumanLabel(promptID: 2, iteration: 1, request: .drop, note: nil, providerCount: 2)
        try store.replaceEvaluation(iteration: 2, rows: [
            EvaluationRecord(iteration: 2, method: .direct, provider: 0, correct: 1, total: 4, validationPrompts: 2),
            EvaluationRecord(iteration: 2, method: .provider, provider: 1, correct: 2, total: 4, validationPrompts: 2),
            EvaluationRecord(iteration: 2, method: .provider, provider: 2, correct: 3, total: 4, validationPrompts: 2),
            EvaluationRecord(iteration: 2, method: .selected, provider: 2, correct: 3, total: 4, validationPrompts: 2),
            EvaluationRecord(iteration: 2, method: .oracle, provider: 0, correct: 4, total: 4, validationPrompts: 2),
        ])
        let row = try LoopSummary.row(store: store, iteration: 1)
        #expect(row.pairsFormed == 3 && row.pairsKept == 2 && row.pairsTrained == 1)
        #expect(abs((row.keptMeanChosenScore ?? 0) - 0.7) < 1e-12 && abs((row.keptMeanRejectedScore ?? 0) - 0.3) < 1e-12)
        #expect(abs((row.meanChosenScore ?? 0) - 1.7 / 3) < 1e-12 && abs((row.meanRejectedScore ?? 0) - 0.9 / 3) < 1e-12)
        #expect(row.direct == LoopRow.Accuracy(correct: 1, total: 4) && row.selectedProvider == 2)
        #expect(row.providers[2]?.fraction == 0.75 && row.oracle?.correct == 4)
        #expect(try LoopSummary.row(store: store, iteration: 2).direct == nil)
    }
}
