import GRDB

extension StoreMigrations {
    /// Saved provider adapters, one row per (iteration, provider). A store from before this
    /// migration has none: the workspace adopts the adapter directories it finds on disk when
    /// it opens (`SessionWorkspace.checkAdapters`), so an old session reads the same.
    static func registerAdapters(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v6: saved provider adapters") { db in
            try db.create(table: "adapter") { t in
                t.column("iteration", .integer).notNull().check(sql: "iteration >= 0")
                t.column("provider", .integer).notNull().check(sql: "provider >= 1")
                t.column("path", .text).notNull()
                t.column("savedAt", .datetime).notNull()
                t.primaryKey(["iteration", "provider"])
            }
        }
    }
}
