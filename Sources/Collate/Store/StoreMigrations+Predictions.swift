import GRDB

extension StoreMigrations {
    /// The score stage's predicted answers and the eval stage's accuracy table.
    static func registerPredictionsAndEvaluations(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v4: answer predictions and evaluation results") { db in
            // M_IFT's greedy answer: provider 0 in mode I -> A, provider s in [I;R_s] -> A.
            try db.create(table: "prediction") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("prompt", onDelete: .cascade).notNull()
                t.column("iteration", .integer).notNull()
                t.column("provider", .integer).notNull().check(sql: "provider >= 0")
                t.belongsTo("generation", onDelete: .cascade)
                t.column("text", .text).notNull()
                t.column("correct", .boolean).notNull()
                t.column("createdAt", .datetime).notNull()
                t.uniqueKey(["promptId", "iteration", "provider"])
            }

            // One row per line of the test-time table; a rerun of eval replaces its rows.
            try db.create(table: "evaluation") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("iteration", .integer).notNull()
                t.column("method", .text).notNull()
                    .check(sql: "method IN ('direct', 'provider', 'selected', 'oracle')")
                t.column("provider", .integer).notNull()   // 0 for direct and oracle
                t.column("correct", .integer).notNull()
                t.column("total", .integer).notNull()
                t.column("validationPrompts", .integer).notNull()
                t.column("createdAt", .datetime).notNull()
                t.uniqueKey(["iteration", "method", "provider"])
            }
        }
    }
}
