import GRDB

extension StoreMigrations {
    /// v2: a human label can be withdrawn. Undoing a person's decision back to "no human label"
    /// must not be faked by writing the auto pair as a human one (that would count as a review
    /// and in the agreement metric), and label rows are never deleted, so a withdrawal is a row
    /// of its own: source human, action `withdrawn`, `replacesLabelId` = the label withdrawn.
    ///
    /// SQLite cannot change a CHECK constraint in place, so the label table is rebuilt with the
    /// wider one and its rows copied with their ids (GRDB turns foreign keys off while a
    /// migration runs and checks them all at its end).
    static func registerWithdrawnLabels(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v2: withdrawn human labels") { db in
            try db.create(table: "label_v2") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("prompt", onDelete: .cascade).notNull()
                t.column("iteration", .integer).notNull()
                t.column("source", .text).notNull().check(sql: "source IN ('auto', 'human')")
                t.column("action", .text).notNull()
                    .check(sql: "action IN ('chosen', 'filtered', 'dropped', 'kept-filtered', 'withdrawn')")
                // Only a person withdraws (the label withdrawn is `replacesLabelId`; it may be
                // nulled later by ON DELETE SET NULL, so it cannot be NOT NULL here).
                t.check(sql: "action <> 'withdrawn' OR source = 'human'")
                t.column("chosenProvider", .integer)
                t.column("rejectedProvider", .integer)
                t.column("chosenRationale", .text)
                t.column("scoreChosen", .double)
                t.column("scoreRejected", .double)
                t.column("scoreBaseline", .double)
                t.column("note", .text)
                t.column("createdAt", .datetime).notNull()
                // Names the final table: after the rename it points at the table itself.
                t.belongsTo("replacesLabel", inTable: "label", onDelete: .setNull)
            }
            let columns = """
                id, promptId, iteration, source, action, chosenProvider, rejectedProvider, chosenRationale,
                scoreChosen, scoreRejected, scoreBaseline, note, createdAt, replacesLabelId
                """
            try db.execute(sql: "INSERT INTO label_v2 (\(columns)) SELECT \(columns) FROM label")
            try db.drop(table: "label")
            try db.rename(table: "label_v2", to: "label")
            try db.create(index: "label_prompt_iteration", on: "label", columns: ["promptId", "iteration", "source"])
        }
    }
}
