import Foundation
import GRDB

/// A provider adapter saved in the session (`AdapterID`): written in the same step as its
/// directory, so which adapters exist is a question for the store, not for folder names.
public struct AdapterRecord: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "adapter"
    public var iteration: Int
    public var provider: Int
    /// The PEFT directory, relative to the session folder (`adapters/iteration-<i>/provider-<s>`).
    public var path: String
    public var savedAt: Date

    public init(iteration: Int, provider: Int, path: String, savedAt: Date = Date()) {
        self.iteration = iteration
        self.provider = provider
        self.path = path
        self.savedAt = savedAt
    }
}
