import Foundation
import GRDB

/// A DPO pair's reference log-probs for one provider and iteration (TRL's ref_chosen_logps /
/// ref_rejected_logps), computed once before training and never again.
public struct ReferenceLogprobRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "referenceLogprob"
    public var id: Int64?
    /// The effective label the pair came from.
    public var labelId: Int64
    public var promptId: Int64
    public var iteration: Int
    public var provider: Int
    /// Summed over the completion's tokens and its EOS.
    public var chosenLogp: Double
    public var rejectedLogp: Double
    public var chosenTokens: Int
    public var rejectedTokens: Int
    public var createdAt: Date

    public init(id: Int64? = nil, labelId: Int64, promptId: Int64, iteration: Int, provider: Int,
                chosenLogp: Double, rejectedLogp: Double, chosenTokens: Int, rejectedTokens: Int,
                createdAt: Date = Date()) {
        self.id = id
        self.labelId = labelId
        self.promptId = promptId
        self.iteration = iteration
        self.provider = provider
        self.chosenLogp = chosenLogp
        self.rejectedLogp = rejectedLogp
        self.chosenTokens = chosenTokens
        self.rejectedTokens = rejectedTokens
        self.createdAt = createdAt
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}
