import Foundation
import GRDB
import Testing
@testable import Collate
import TestSupport

@Suite struct WithdrawLabelTests {
    func decision(_ chosen: Int, _ rejected: Int, kept: Bool) -> PairDecision {
        PairDecision(chosen: ScoredCandidate(provider: chosen, score: 0.5),
                     rejected: ScoredCandidate(provider: rejected, score: 0.2), baseline: 0.6, kept: kept)
    }

    @Test func withdrawingFallsBackToTheAutoLabelAndRecordsWhatItReplaced() throws {
        let store = try Fixtures.store(prompts: 1)
        let auto = try store.writeAutoLabel(promptID: 1, iteration: 1, decision: decision(1, 2, kept: true)).label
        let human = try store.writeHumanLabel(promptID: 1, iteration: 1, request: .pair(chosen: 2, rejected: 1),
                                              note: "n", providerCount: 2).label
        #expect(try store.agreementFraction() == 0)

        let withdrawal = try #require(try store.withdrawHumanLabel(promptID: 1, iteration: 1))
        #expect(withdrawal.source == .human && withdrawal.action == .withdrawn)
        #expect(withdrawal.replacesLabelId == human.id)
        // The auto label is in force again, not a human copy of it.
        let effective = try #require(try store.effectiveLabel(promptID: 1, iteration: 1))
        #expect(effective.id == auto.id && effective.source == .auto)
        #expect(try store.humanLabel(promptID: 1, iteration: 1) == nil)
        // Nothing was deleted: the trail keeps auto, human, withdrawal.
        #expect(try store.labelHistory(promptID: 1, iteration: 1).map(\.action) == [.chosen, .chosen, .withdrawn])
        // No human decision left: nothing compared, no human label counted.
        #expect(try store.labelAgreement(iteration: 1) == LabelAgreement(agreed: 0, compared: 0))
        let status = try #require(try store.status().iterations.first)
        #expect(status.humanLabels.isEmpty && status.effectiveLabels == [.chosen: 1])

        // Withdrawing again has nothing to withdraw and writes nothing.
        #expect(try store.withdrawHumanLabel(promptID: 1, iteration: 1) == nil)
        #expect(try store.labelHistory(promptID: 1, iteration: 1).count == 3)

        // A new human label after the withdrawal replaces the auto label (the one in force).
        let redo = try store.writeHumanLabel(promptID: 1, iteration: 1, request: .pair(chosen: 2, rejected: 1),
                                             note: "n", providerCount: 2)
        #expect(!redo.unchanged && redo.replaced?.id == auto.id)
        #expect(try store.effectiveLabel(promptID: 1, iteration: 1)?.id == redo.label.id)
    }

    @Test func withdrawingWithoutAnyLabelLeavesNoLabel() throws {
        let store = try Fixtures.store(prompts: 1)
        try store.writeHumanLabel(promptID: 1, iteration: 1, request: .drop, note: nil, providerCount: 2)
        try store.withdrawHumanLabel(promptID: 1, iteration: 1)
        #expect(try store.effectiveLabel(promptID: 1, iteration: 1) == nil)
        #expect(try store.effectiveLabels(iteration: 1).isEmpty)
        #expect(throws: StoreError.unknownPrompt(9)) { try store.withdrawHumanLabel(promptID: 9, iteration: 1) }
    }

    /// `a` on a filtered pair: the person agrees it is not trained on. Stored as a human
    /// `filtered` label (not `dropped`), which counts as agreement and trains nothing.
    @Test func acceptingAFilteredPairKeepsItFiltered() throws {
        let store = try Fixtures.store(prompts: 1)
        try store.writeAutoLabel(promptID: 1, iteration: 1, decision: decision(1, 2, kept: false))
        let accepted = try store.writeHumanLabel(promptID: 1, iteration: 1, request: .acceptAuto, note: nil,
                                                 providerCount: 2).label
        #expect(accepted.source == .human && accepted.action == .filtered)
        #expect(accepted.chosenProvider == 1 && accepted.rejectedProvider == 2)
        #expect(try store.labelAgreement(iteration: 1) == LabelAgreement(agreed: 1, compared: 1))
        #expect(try store.status().iterations.first?.trainingPairs == 0)
    }

    /// A store written by v1 upgrades in place: rows and ids kept, withdrawals then accepted,
    /// and the CHECK refuses a withdrawal made by the pairs stage.
    @Test func v1StoreMigratesWithItsLabels() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let url = directory.url.appendingPathComponent("state.sqlite")
        let v1 = "v1: prompts, generations, scores, labels, runs, metrics, checkpoints"
        do {
            let queue = try DatabaseQueue(path: url.path)
            try StoreMigrations.migrator.migrate(queue, upTo: v1)
            try queue.write { db in
                try db.execute(sql: """
                    INSERT INTO prompt (id, split, instruction, goldAnswer, sourceFile, sourceLine, sourceHash)
                    VALUES (1, 'train', 'q', '4', 't.jsonl', 1, 'h');
                    INSERT INTO label (id, promptId, iteration, source, action, chosenProvider, rejectedProvider, createdAt)
                    VALUES (5, 1, 1, 'auto', 'chosen', 1, 2, '2026-01-01 00:00:00.000');
                    INSERT INTO label (id, promptId, iteration, source, action, chosenProvider, rejectedProvider,
                                       createdAt, replacesLabelId)
                    VALUES (7, 1, 1, 'human', 'chosen', 2, 1, '2026-01-01 00:00:01.000', 5);
                    """)
            }
        }
        let store = try SessionStore(url: url)
        #expect(try store.appliedMigrations() == StoreMigrations.migrator.migrations)
        #expect(try store.appliedMigrations().contains("v2: withdrawn human labels"))
        #expect(try store.labelHistory(promptID: 1, iteration: 1).map(\.id) == [5, 7])
        #expect(try store.effectiveLabel(promptID: 1, iteration: 1)?.id == 7)
        let withdrawal = try store.withdrawHumanLabel(promptID: 1, iteration: 1)
        #expect(withdrawal?.replacesLabelId == 7)
        #expect(try store.effectiveLabel(promptID: 1, iteration: 1)?.id == 5)
        #expect(throws: DatabaseError.self) {
            try store.write { db in
                try db.execute(sql: """
                    INSERT INTO label (promptId, iteration, source, action, createdAt)
                    VALUES (1, 1, 'auto', 'withdrawn', '2026-01-01 00:00:02.000')
                    """)
            }
        }
        // The self-reference survived the rebuild: deleting the withdrawn label nulls the link.
        try store.write { db in _ = try LabelRecord.deleteOne(db, key: 7) }
        #expect(try store.labelHistory(promptID: 1, iteration: 1).last?.replacesLabelId == nil)
    }
}

extension SessionStore {
    fileprivate func agreementFraction() throws -> Double? { try labelAgreement(iteration: 1).fraction }
}
