import Foundation
import GRDB

extension SessionStore {
    /// Inserts the rationales of one prompt in one transaction, skipping any (prompt,
    /// iteration, provider) already stored: a rerun never duplicates a row. Returns how many
    /// rows were inserted.
    @discardableResult
    public func saveGenerations(_ generations: [GenerationRecord]) throws -> Int {
        try write { db in
            var inserted = 0
            for generation in generations {
                let exists = try GenerationRecord
                    .filter(Column("promptId") == generation.promptId && Column("iteration") == generation.iteration
                            && Column("provider") == generation.provider)
                    .fetchCount(db) > 0
                if exists { continue }
                var row = generation
                try row.insert(db)
                inserted += 1
            }
            return inserted
        }
    }

    /// Inserts scores and predictions in one transaction, skipping rows already stored for
    /// their (prompt, iteration, provider). Returns (scores, predictions) inserted.
    @discardableResult
    public func saveScoresAndPredictions(scores: [ScoreRecord], predictions: [PredictionRecord]) throws
        -> (scores: Int, predictions: Int) {
        try write { db in
            var counts = (scores: 0, predictions: 0)
            for score in scores {
                let exists = try ScoreRecord
                    .filter(Column("promptId") == score.promptId && Column("iteration") == score.iteration
                            && Column("provider") == score.provider)
                    .fetchCount(db) > 0
                if exists { continue }
                var row = score
                try row.insert(db)
                counts.scores += 1
            }
            for prediction in predictions {
                let exists = try PredictionRecord
                    .filter(Column("promptId") == prediction.promptId && Column("iteration") == prediction.iteration
                            && Column("provider") == prediction.provider)
                    .fetchCount(db) > 0
                if exists { continue }
                var row = prediction
                try row.insert(db)
                counts.predictions += 1
            }
            return counts
        }
    }

    /// Predictions of one prompt in one iteration, the direct answer (provider 0) first.
    public func predictions(promptID: Int64, iteration: Int) throws -> [PredictionRecord] {
        try read { db in
            try PredictionRecord.filter(Column("promptId") == promptID && Column("iteration") == iteration)
                .order(Column("provider")).fetchAll(db)
        }
    }

    /// Every prediction of one iteration (the workbench loads them all at once).
    public func predictions(iteration: Int) throws -> [PredictionRecord] {
        try read { db in
            try PredictionRecord.filter(Column("iteration") == iteration)
                .order(Column("promptId"), Column("provider")).fetchAll(db)
        }
    }

    /// Replaces the evaluation table of `iteration` with `rows`, in one transaction.
    public func replaceEvaluation(iteration: Int, rows: [EvaluationRecord]) throws {
        try write { db in
            try EvaluationRecord.filter(Column("iteration") == iteration).deleteAll(db)
            for row in rows {
                var inserted = row
                try inserted.insert(db)
            }
        }
    }

    public func evaluation(iteration: Int) throws -> [EvaluationRecord] {
        try read { db in
            try EvaluationRecord.filter(Column("iteration") == iteration)
                .order(Column("method"), Column("provider")).fetchAll(db)
        }
    }

    /// The latest iteration that has generations, if any.
    public func latestGeneratedIteration() throws -> Int? {
        try read { db in try Int.fetchOne(db, sql: "SELECT MAX(iteration) FROM generation") }
    }
}
