import Foundation
import GRDB

/// The largest row id of each table the stages append to. Rationales, scores and
/// predictions are insert-only (a rerun skips what is stored), and an eval replaces its
/// iteration's rows with new ones, so any write by anyone moves one of these: a reader that
/// remembers them learns, with one cheap query, whether another writer (`collate generate`,
/// `collate score`, `collate eval` from another terminal) stored something since.
public struct StageRowWatermark: Sendable, Equatable {
    public var generation: Int64
    public var score: Int64
    public var prediction: Int64
    public var evaluation: Int64

    public static let none = StageRowWatermark(generation: -1, score: -1, prediction: -1, evaluation: -1)

    public init(generation: Int64, score: Int64, prediction: Int64, evaluation: Int64) {
        self.generation = generation
        self.score = score
        self.prediction = prediction
        self.evaluation = evaluation
    }
}

/// What changed in the stage tables since a watermark, as one read transaction saw it.
public struct StageRowChanges: Sendable, Equatable {
    public var watermark: StageRowWatermark
    /// Prompts with a new rationale, score or prediction in the iteration asked about.
    public var promptIDs: [Int64]
    /// Whether any evaluation row was written (of any iteration).
    public var evaluations: Bool
}

extension SessionStore {
    /// One indexed lookup per table (MAX of the integer primary key).
    public func stageRowWatermark() throws -> StageRowWatermark {
        try read { db in try Self.stageRowWatermark(db) }
    }

    static func stageRowWatermark(_ db: Database) throws -> StageRowWatermark {
        func maxID(_ table: String) throws -> Int64 {
            try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(id), 0) FROM \(table)") ?? 0
        }
        return StageRowWatermark(generation: try maxID("generation"), score: try maxID("score"),
                                 prediction: try maxID("prediction"), evaluation: try maxID("evaluation"))
    }

    /// The rows of `iteration` newer than `since`, or nil when no stage table moved. Asked on
    /// every poll tick and key press: with nothing new it is the four lookups and no more.
    public func stageRowChanges(iteration: Int, since: StageRowWatermark) throws -> StageRowChanges? {
        try read { db in
            let now = try Self.stageRowWatermark(db)
            guard now != since else { return nil }
            var ids = Set<Int64>()
            let tables = [("generation", since.generation, now.generation), ("score", since.score, now.score),
                          ("prediction", since.prediction, now.prediction)]
            for (table, before, after) in tables where before != after {
                ids.formUnion(try Int64.fetchAll(db, sql: "SELECT DISTINCT promptId FROM \(table) WHERE id > ? AND iteration = ?",
                                                  arguments: [before, iteration]))
            }
            return StageRowChanges(watermark: now, promptIDs: ids.sorted(), evaluations: now.evaluation != since.evaluation)
        }
    }
}
