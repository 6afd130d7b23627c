import Foundation
import GRDB
import Testing
@testable import Collate
import TestSupport

@Suite struct NLLMetricMigrationTests {
    /// A store written before the SFT term had a column upgrades in place: its steps keep their
    /// values and read back without the term; new steps store and read it.
    @Test func aStoreWithoutTheNLLColumnKeepsItsMetricsAndGainsIt() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let url = directory.url.appendingPathComponent("state.sqlite")
        do {
            let queue = try DatabaseQueue(path: url.path)
            try StoreMigrations.migrator.migrate(queue, upTo: "v4: answer predictions and evaluation results")
            try queue.write { db in
                try db.execute(sql: """
                    INSERT INTO run (id, kind, iteration, provider, status, config, startedAt)
                    VALUES (3, 'train', 1, 1, 'finished', '{}', '2026-01-01 00:00:00.000');
                    INSERT INTO metric (runId, step, loss, rewardsMargins) VALUES (3, 1, 0.69, 0.01);
                    """)
            }
        }
        let store = try SessionStore(url: url)
        #expect(try store.appliedMigrations() == StoreMigrations.migrator.migrations)
        let old = try #require(try store.metrics(runID: 3).first)
        #expect(old.loss == 0.69 && old.rewardsMargins == 0.01 && old.nllLoss == nil)
        var next = MetricRecord(runId: 3, step: 2)
        next.loss = 1.9
        next.nllLoss = 2.4
        try store.recordMetric(next)
        #expect(try store.metrics(runID: 3).map(\.nllLoss) == [nil, 2.4])
    }
}
