import GRDB

/// The schema of `state.sqlite`, as versioned migrations. A migration, once shipped, is never
/// edited: a change is a new `registerMigration` appended below, so an old session upgrades in
/// place when it is opened.
enum StoreMigrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: prompts, generations, scores, labels, runs, metrics, checkpoints") { db in
            try db.create(table: "prompt") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("split", .text).notNull().check(sql: "split IN ('train', 'validation', 'test')")
                t.column("instruction", .text).notNull()
                t.column("goldRationale", .text)
                t.column("goldAnswer", .text).notNull()
                t.column("options", .text)          // JSON list of strings, multiple choice only
                t.column("sourceFile", .text).notNull()
                t.column("sourceLine", .integer).notNull()
                t.column("sourceHash", .text).notNull()  // of the raw line: detects a changed file
                t.uniqueKey(["sourceFile", "sourceLine"])  // makes re-import a no-op
            }
            try db.create(index: "prompt_split", on: "prompt", columns: ["split"])

            try db.create(table: "generation") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("prompt", onDelete: .cascade).notNull()
                t.column("iteration", .integer).notNull()
                t.column("provider", .integer).notNull().check(sql: "provider >= 1")
                t.column("text", .text).notNull()
                t.column("tokenCount", .integer).notNull()
                t.column("createdAt", .datetime).notNull()
                t.uniqueKey(["promptId", "iteration", "provider"])
            }

            // provider 0 is the I -> A baseline l_0 (no generation); 1...S score rationales.
            try db.create(table: "score") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("prompt", onDelete: .cascade).notNull()
                t.column("iteration", .integer).notNull()
                t.column("provider", .integer).notNull().check(sql: "provider >= 0")
                t.belongsTo("generation", onDelete: .cascade)
                t.column("score", .double).notNull()
                t.column("meanLogprob", .double).notNull()
                t.column("tokenLogprobs", .blob).notNull()  // Float32 little-endian, one per answer token + EOS
                t.column("createdAt", .datetime).notNull()
                t.uniqueKey(["promptId", "iteration", "provider"])
            }

            // Append-only: a label is never updated; a new one replaces it (replacesLabelId).
            try db.create(table: "label") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("prompt", onDelete: .cascade).notNull()
                t.column("iteration", .integer).notNull()
                t.column("source", .text).notNull().check(sql: "source IN ('auto', 'human')")
                t.column("action", .text).notNull()
                    .check(sql: "action IN ('chosen', 'filtered', 'dropped', 'kept-filtered')")
                t.column("chosenProvider", .integer)
                t.column("rejectedProvider", .integer)
                t.column("chosenRationale", .text)  // written by hand; the chosen side when set
                t.column("scoreChosen", .double)
                t.column("scoreRejected", .double)
                t.column("scoreBaseline", .double)
                t.column("note", .text)
                t.column("createdAt", .datetime).notNull()
                t.belongsTo("replacesLabel", inTable: "label", onDelete: .setNull)
            }
            try db.create(index: "label_prompt_iteration", on: "label", columns: ["promptId", "iteration", "source"])

            try db.create(table: "run") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("kind", .text).notNull()          // mift, providers, train, eval, ...
                t.column("iteration", .integer)
                t.column("provider", .integer)
                t.column("status", .text).notNull()
                    .check(sql: "status IN ('running', 'finished', 'failed', 'stopped')")
                t.column("config", .text).notNull()        // JSON of the settings the run used
                t.column("startedAt", .datetime).notNull()
                t.column("finishedAt", .datetime)
                t.column("message", .text)
            }

            // One row per optimiser step; columns are TRL's metric names (see MetricRecord).
            try db.create(table: "metric") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("run", onDelete: .cascade).notNull()
                t.column("step", .integer).notNull()
                // Spelled out, not derived from MetricRecord: a shipped migration never changes.
                for column in ["loss", "rewardsChosen", "rewardsRejected", "rewardsMargins", "rewardsAccuracies",
                               "logpsChosen", "logpsRejected", "logitsChosen", "logitsRejected", "gradNorm",
                               "learningRate", "epoch"] {
                    t.column(column, .double)
                }
                t.uniqueKey(["runId", "step"])
            }

            try db.create(table: "checkpoint") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("run", onDelete: .cascade).notNull()
                t.column("step", .integer).notNull()
                t.column("path", .text).notNull()          // relative to the session folder
                t.column("createdAt", .datetime).notNull()
                t.uniqueKey(["runId", "step"])
            }
        }
        registerWithdrawnLabels(&migrator)

        // The DPO reference (COLLATE.md section 3, step 5): the provider's log-probs of both
        // completions at the start of the iteration, once per (pair, provider, iteration), so a
        // resumed run never recomputes them. A pair is keyed by its effective label.
        migrator.registerMigration("v3: reference log-probs of DPO pairs") { db in
            try db.create(table: "referenceLogprob") { t in
                t.autoIncrementedPrimaryKey("id")
                t.belongsTo("label", onDelete: .cascade).notNull()
                t.belongsTo("prompt", onDelete: .cascade).notNull()
                t.column("iteration", .integer).notNull()
                t.column("provider", .integer).notNull().check(sql: "provider >= 1")
                t.column("chosenLogp", .double).notNull()     // summed over tokens + EOS
                t.column("rejectedLogp", .double).notNull()
                t.column("chosenTokens", .integer).notNull()  // terms in each sum
                t.column("rejectedTokens", .integer).notNull()
                t.column("createdAt", .datetime).notNull()
                t.uniqueKey(["labelId", "iteration", "provider"])
            }
        }
        registerPredictionsAndEvaluations(&migrator)
        registerNLLMetric(&migrator)
        registerAdapters(&migrator)
        return migrator
    }
}
