import Foundation
import GRDB

/// The train stage's rows: reference log-probs and the run a `train` resumes.
extension SessionStore {
    /// Saves reference log-probs in one transaction; an entry already stored for (label,
    /// iteration, provider) is kept as it is (the reference is computed once).
    public func saveReferenceLogprobs(_ records: [ReferenceLogprobRecord]) throws {
        try write { db in
            for record in records {
                // Not INSERT OR IGNORE: that would also swallow CHECK failures.
                let exists = try ReferenceLogprobRecord
                    .filter(Column("labelId") == record.labelId && Column("iteration") == record.iteration
                            && Column("provider") == record.provider)
                    .fetchCount(db) > 0
                if exists { continue }
                var row = record
                try row.insert(db)
            }
        }
    }

    /// Stored reference log-probs of one provider and iteration, by label id.
    public func referenceLogprobs(iteration: Int, provider: Int) throws -> [Int64: ReferenceLogprobRecord] {
        try read { db in
            let rows = try ReferenceLogprobRecord
                .filter(Column("iteration") == iteration && Column("provider") == provider)
                .fetchAll(db)
            return Dictionary(rows.map { ($0.labelId, $0) }, uniquingKeysWith: { first, _ in first })
        }
    }

    /// The latest run of `kind` for (iteration, provider), whatever its status.
    public func latestRun(kind: String, iteration: Int, provider: Int) throws -> RunRecord? {
        try read { db in
            try RunRecord
                .filter(Column("kind") == kind && Column("iteration") == iteration && Column("provider") == provider)
                .order(Column("id").desc).fetchOne(db)
        }
    }

    /// Marks a stopped or failed run as running again, with the settings it resumes with.
    public func reopenRun(id: Int64, config: String) throws {
        try write { db in
            guard var run = try RunRecord.fetchOne(db, key: id) else {
                throw StoreError.corrupt("run \(id) does not exist")
            }
            run.status = .running
            run.config = config
            run.message = nil
            run.finishedAt = nil
            try run.update(db)
        }
    }

    public func run(id: Int64) throws -> RunRecord? {
        try read { db in try RunRecord.fetchOne(db, key: id) }
    }
}

extension SessionStore {
    /// Every training run (MIFT, providers-stage and loop DPO), oldest first.
    public func runs() throws -> [RunRecord] {
        try read { db in try RunRecord.order(Column("id")).fetchAll(db) }
    }

    /// The number of optimiser steps recorded for a run.
    public func stepCount(runID: Int64) throws -> Int {
        try read { db in try Int.fetchOne(db, sql: "SELECT MAX(step) FROM metric WHERE runId = ?", arguments: [runID]) ?? 0 }
    }
}
