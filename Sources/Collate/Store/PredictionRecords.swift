import Foundation
import GRDB

/// M_IFT's greedy answer for one prompt: with provider s's rationale ([I;R_s] -> A), or
/// directly (provider 0, I -> A), and whether it matches the gold answer.
public struct PredictionRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "prediction"
    /// The provider number of the direct I -> A answer.
    public static let directProvider = 0
    public var id: Int64?
    public var promptId: Int64
    public var iteration: Int
    public var provider: Int
    public var generationId: Int64?
    public var text: String
    public var correct: Bool
    public var createdAt: Date

    public init(id: Int64? = nil, promptId: Int64, iteration: Int, provider: Int, generationId: Int64?,
                text: String, correct: Bool, createdAt: Date = Date()) {
        self.id = id
        self.promptId = promptId
        self.iteration = iteration
        self.provider = provider
        self.generationId = generationId
        self.text = StoredText.modelOutput(text)
        self.correct = correct
        self.createdAt = createdAt
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// One line of the eval stage's table (COLLATE.md section 4).
public struct EvaluationRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "evaluation"
    public enum Method: String, Codable, Sendable, CaseIterable {
        /// I -> A by M_IFT.
        case direct
        /// Provider s's rationale, M_IFT answers.
        case provider
        /// The provider with the best mean l on the validation split.
        case selected
        /// Best of S by correctness.
        case oracle
    }
    public var id: Int64?
    public var iteration: Int
    public var method: Method
    public var provider: Int
    public var correct: Int
    public var total: Int
    public var validationPrompts: Int
    public var createdAt: Date

    public init(id: Int64? = nil, iteration: Int, method: Method, provider: Int, correct: Int, total: Int,
                validationPrompts: Int, createdAt: Date = Date()) {
        self.id = id
        self.iteration = iteration
        self.method = method
        self.provider = provider
        self.correct = correct
        self.total = total
        self.validationPrompts = validationPrompts
        self.createdAt = createdAt
    }

    public var accuracy: Double { total == 0 ? 0 : Double(correct) / Double(total) }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}
