import Foundation
import GRDB

/// Which provider adapters the session has saved.
extension SessionStore {
    /// Records (or re-records) an adapter whose directory has just been saved.
    public func recordAdapter(_ adapter: AdapterRecord) throws {
        try write { db in try adapter.insert(db, onConflict: .replace) }
    }

    /// Forgets adapters whose directories are gone.
    public func forgetAdapters(_ ids: [(iteration: Int, provider: Int)]) throws {
        guard !ids.isEmpty else { return }
        try write { db in
            for id in ids {
                _ = try AdapterRecord.deleteOne(db, key: ["iteration": id.iteration, "provider": id.provider])
            }
        }
    }

    /// Every recorded adapter, by iteration then provider.
    public func adapters() throws -> [AdapterRecord] {
        try read { db in try AdapterRecord.order(Column("iteration"), Column("provider")).fetchAll(db) }
    }

    public func hasAdapter(iteration: Int, provider: Int) throws -> Bool {
        try read { db in try AdapterRecord.exists(db, key: ["iteration": iteration, "provider": provider]) }
    }

    /// The latest iteration with `provider`'s adapter recorded, if any.
    public func latestAdapterIteration(provider: Int) throws -> Int? {
        try read { db in
            try Int.fetchOne(db, sql: "SELECT MAX(iteration) FROM adapter WHERE provider = ?", arguments: [provider])
        }
    }
}
