import Foundation
import GRDB
import Testing
@testable import Collate
import TestSupport

@Suite struct ReferenceLogprobStoreTests {
    /// A session created before the train stage (v1 only) upgrades in place when opened.
    @Test func aVersionOneStoreGainsTheReferenceTable() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let url = directory.url.appendingPathComponent("state.sqlite")
        let v1 = "v1: prompts, generations, scores, labels, runs, metrics, checkpoints"
        do {
            let old = try DatabaseQueue(path: url.path)
            try StoreMigrations.migrator.migrate(old, upTo: v1)
            try old.write { db in
                var prompt = PromptRecord(split: .train, instruction: "q", goldRationale: nil, goldAnswer: "1",
                                          options: nil, sourceFile: "f", sourceLine: 1, sourceHash: "h")
                try prompt.insert(db)
            }
            #expect(try old.read { db in try db.tableExists("referenceLogprob") } == false)
        }
        let store = try SessionStore(url: url)
        #expect(try store.appliedMigrations() == StoreMigrations.migrator.migrations)
        #expect(try store.appliedMigrations().contains("v3: reference log-probs of DPO pairs"))
        #expect(try store.prompts().count == 1)
        let label = try store.writeHumanLabel(promptID: 1, iteration: 1, request: .pair(chosen: 1, rejected: 2),
                                              note: nil, providerCount: 2).label
        try store.saveReferenceLogprobs([ReferenceLogprobRecord(
            labelId: try #require(label.id), promptId: 1, iteration: 1, provider: 2, chosenLogp: -1.5,
            rejectedLogp: -2.5, chosenTokens: 2, rejectedTokens: 3)])
        #expect(try store.referenceLogprobs(iteration: 1, provider: 2)[try #require(label.id)]?.rejectedTokens == 3)
        #expect(try store.referenceLogprobs(iteration: 1, provider: 1).isEmpty)
        // Provider numbers start at 1; a bad row is refused by the schema.
        #expect(throws: (any Error).self) {
            try store.saveReferenceLogprobs([ReferenceLogprobRecord(
                labelId: label.id ?? 0, promptId: 1, iteration: 1, provider: 0, chosenLogp: 0, rejectedLogp: 0,
                chosenTokens: 1, rejectedTokens: 1)])
        }
    }
}
