import Foundation
import GRDB

/// The session's state in `state.sqlite`. Every write goes through `write`, one SQLite
/// transaction each: a write that returned is on disk (synchronous = FULL), and a killed
/// process leaves either all of a write or none of it.
public final class SessionStore: Sendable {
    /// Readers (the workbench) may observe it; writes should go through the typed API.
    public let database: any DatabaseWriter
    /// The file, for errors (nil: in memory).
    public let path: String?

    /// Opens (creating if needed) the store at `url` and applies pending migrations. WAL mode,
    /// so readers in other connections never block the writer.
    public init(url: URL) throws {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        let pool = try MigrationLock.holding(for: url) {
            let pool = try DatabasePool(path: url.path, configuration: configuration)
            try StoreMigrations.migrator.migrate(pool)
            return pool
        }
        database = pool
        path = url.path
    }

    /// A store in memory, for tests.
    public init() throws {
        let queue = try DatabaseQueue()
        try StoreMigrations.migrator.migrate(queue)
        database = queue
        path = nil
    }

    /// Names of the migrations applied, oldest first.
    public func appliedMigrations() throws -> [String] {
        try database.read { db in try StoreMigrations.migrator.appliedMigrations(db) }
    }

    /// A full disk (SQLITE_FULL, "SQLite error 13") is reported with the store's path; the
    /// transaction was rolled back, so nothing half-written stays.
    public func write<T: Sendable>(_ updates: @Sendable (Database) throws -> T) throws -> T {
        do {
            return try database.write(updates)
        } catch let error as DatabaseError where error.resultCode == .SQLITE_FULL {
            throw StoreError.diskFull(path ?? "the in-memory store")
        }
    }

    public func read<T: Sendable>(_ value: @Sendable (Database) throws -> T) throws -> T {
        try database.read(value)
    }

    // MARK: prompts

    public func prompt(id: Int64) throws -> PromptRecord? {
        try read { db in try PromptRecord.fetchOne(db, key: id) }
    }

    public func prompts(split: DataSplit? = nil) throws -> [PromptRecord] {
        try read { db in
            var request = PromptRecord.order(Column("id"))
            if let split { request = request.filter(Column("split") == split.rawValue) }
            return try request.fetchAll(db)
        }
    }

    // MARK: generations and scores

    /// Inserts a rationale, or returns the one already stored for (prompt, iteration, provider):
    /// a rerun after a kill keeps what was written and never duplicates it.
    public func saveGeneration(_ generation: GenerationRecord) throws -> GenerationRecord {
        try write { db in
            if let existing = try GenerationRecord
                .filter(Column("promptId") == generation.promptId && Column("iteration") == generation.iteration
                        && Column("provider") == generation.provider)
                .fetchOne(db) {
                return existing
            }
            var inserted = generation
            try inserted.insert(db)
            return inserted
        }
    }

    public func generations(promptID: Int64, iteration: Int) throws -> [GenerationRecord] {
        try read { db in
            try GenerationRecord.filter(Column("promptId") == promptID && Column("iteration") == iteration)
                .order(Column("provider")).fetchAll(db)
        }
    }

    /// Inserts a score, or returns the one already stored for (prompt, iteration, provider).
    public func saveScore(_ score: ScoreRecord) throws -> ScoreRecord {
        try write { db in
            if let existing = try ScoreRecord
                .filter(Column("promptId") == score.promptId && Column("iteration") == score.iteration
                        && Column("provider") == score.provider)
                .fetchOne(db) {
                return existing
            }
            var inserted = score
            try inserted.insert(db)
            return inserted
        }
    }

    /// Scores of one prompt in one iteration, the baseline (provider 0) first.
    public func scores(promptID: Int64, iteration: Int) throws -> [ScoreRecord] {
        try read { db in try Self.scores(db, promptID: promptID, iteration: iteration) }
    }

    static func scores(_ db: Database, promptID: Int64, iteration: Int) throws -> [ScoreRecord] {
        try ScoreRecord.filter(Column("promptId") == promptID && Column("iteration") == iteration)
            .order(Column("provider")).fetchAll(db)
    }

    // MARK: runs, metrics, checkpoints

    public func startRun(_ run: RunRecord) throws -> RunRecord {
        try write { db in
            var inserted = run
            try inserted.insert(db)
            return inserted
        }
    }

    public func finishRun(id: Int64, status: RunRecord.Status, message: String?, at date: Date = Date()) throws {
        try write { db in
            guard var run = try RunRecord.fetchOne(db, key: id) else {
                throw StoreError.corrupt("run \(id) does not exist")
            }
            run.status = status
            run.message = message
            run.finishedAt = date
            try run.update(db)
        }
    }

    /// Records a step's metrics; a step already recorded for the run (a resumed run replaying
    /// it) is replaced, so a run has one row per step.
    public func recordMetric(_ metric: MetricRecord) throws {
        try write { db in
            var row = metric
            try row.insert(db, onConflict: .replace)
        }
    }

    public func metrics(runID: Int64) throws -> [MetricRecord] {
        try read { db in try MetricRecord.filter(Column("runId") == runID).order(Column("step")).fetchAll(db) }
    }

    public func recordCheckpoint(_ checkpoint: CheckpointRecord) throws {
        try write { db in
            var row = checkpoint
            try row.insert(db, onConflict: .replace)
        }
    }

    public func latestCheckpoint(runID: Int64) throws -> CheckpointRecord? {
        try read { db in
            try CheckpointRecord.filter(Column("runId") == runID).order(Column("step").desc).fetchOne(db)
        }
    }
}
