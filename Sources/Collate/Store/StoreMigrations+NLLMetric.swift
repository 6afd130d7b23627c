import GRDB

extension StoreMigrations {
    /// The SFT term of a DPO step (`[dpo] sft_weight` > 0) as a metric of its own: the loss
    /// column holds DPO plus the weighted term, and without this one an operator cannot tell
    /// which of the two moved.
    static func registerNLLMetric(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v5: the SFT term of a DPO step") { db in
            try db.alter(table: "metric") { t in
                t.add(column: "nllLoss", .double)
            }
        }
    }
}
