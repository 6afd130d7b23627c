import Foundation
import GRDB

/// Which part of the data a prompt belongs to (COLLATE.md, data splits).
public enum DataSplit: String, Codable, Sendable, CaseIterable {
    case train
    case validation
    case test
}

/// One task example.
public struct PromptRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "prompt"
    public var id: Int64?
    public var split: DataSplit
    public var instruction: String
    public var goldRationale: String?
    public var goldAnswer: String
    public var options: [String]?
    /// Path as written in the manifest, and the 1-based line of the example in that file.
    public var sourceFile: String
    public var sourceLine: Int
    public var sourceHash: String

    public init(id: Int64? = nil, split: DataSplit, instruction: String, goldRationale: String?, goldAnswer: String,
                options: [String]?, sourceFile: String, sourceLine: Int, sourceHash: String) {
        self.id = id
        self.split = split
        self.instruction = instruction
        self.goldRationale = goldRationale
        self.goldAnswer = goldAnswer
        self.options = options
        self.sourceFile = sourceFile
        self.sourceLine = sourceLine
        self.sourceHash = sourceHash
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// A rationale written by provider `provider` (1...S) in iteration `iteration`.
public struct GenerationRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "generation"
    public var id: Int64?
    public var promptId: Int64
    public var iteration: Int
    public var provider: Int
    public var text: String
    public var tokenCount: Int
    public var createdAt: Date

    public init(id: Int64? = nil, promptId: Int64, iteration: Int, provider: Int, text: String,
                tokenCount: Int, createdAt: Date = Date()) {
        self.id = id
        self.promptId = promptId
        self.iteration = iteration
        self.provider = provider
        self.text = StoredText.modelOutput(text)
        self.tokenCount = tokenCount
        self.createdAt = createdAt
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// The answer score l of one rationale (provider 1...S, with its generation) or of the
/// no-rationale baseline l_0 (provider 0, no generation), with the per-token log-probs.
public struct ScoreRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "score"
    /// The provider number that stands for the I -> A baseline.
    public static let baselineProvider = 0
    public var id: Int64?
    public var promptId: Int64
    public var iteration: Int
    public var provider: Int
    public var generationId: Int64?
    public var score: Double
    public var meanLogprob: Double
    public var tokenLogprobs: Data
    public var createdAt: Date

    public init(id: Int64? = nil, promptId: Int64, iteration: Int, provider: Int, generationId: Int64?,
                answerScore: AnswerScore, tokenLogprobs: [Float], createdAt: Date = Date()) {
        self.id = id
        self.promptId = promptId
        self.iteration = iteration
        self.provider = provider
        self.generationId = generationId
        self.score = answerScore.value
        self.meanLogprob = answerScore.meanLogprob
        self.tokenLogprobs = TokenLogprobsBlob.encode(tokenLogprobs)
        self.createdAt = createdAt
    }

    public func decodedTokenLogprobs() throws(StoreError) -> [Float] {
        try TokenLogprobsBlob.decode(tokenLogprobs, context: "score \(id.map(String.init) ?? "?")")
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// A preference label with its provenance. Rows are never updated: a new label replaces the
/// effective one and says so in `replacesLabelId`.
public struct LabelRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "label"
    public var id: Int64?
    public var promptId: Int64
    public var iteration: Int
    public var source: LabelSource
    public var action: LabelAction
    public var chosenProvider: Int?
    public var rejectedProvider: Int?
    public var chosenRationale: String?
    /// The scores the label was based on (l_chosen, l_rejected, l_0), when they exist.
    public var scoreChosen: Double?
    public var scoreRejected: Double?
    public var scoreBaseline: Double?
    public var note: String?
    public var createdAt: Date
    public var replacesLabelId: Int64?

    public var decision: LabelDecision {
        LabelDecision(action: action, chosenProvider: chosenProvider, rejectedProvider: rejectedProvider,
                      chosenRationale: chosenRationale)
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// A training or evaluation run.
public struct RunRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "run"
    public enum Status: String, Codable, Sendable { case running, finished, failed, stopped }
    public var id: Int64?
    public var kind: String
    public var iteration: Int?
    public var provider: Int?
    public var status: Status
    public var config: String
    public var startedAt: Date
    public var finishedAt: Date?
    public var message: String?

    public init(id: Int64? = nil, kind: String, iteration: Int?, provider: Int?, status: Status = .running,
                config: String, startedAt: Date = Date(), finishedAt: Date? = nil, message: String? = nil) {
        self.id = id
        self.kind = kind
        self.iteration = iteration
        self.provider = provider
        self.status = status
        self.config = config
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.message = message
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// A checkpoint written by a run (the files themselves are renamed into place first).
public struct CheckpointRecord: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "checkpoint"
    public var id: Int64?
    public var runId: Int64
    public var step: Int
    public var path: String
    public var createdAt: Date

    public init(id: Int64? = nil, runId: Int64, step: Int, path: String, createdAt: Date = Date()) {
        self.id = id
        self.runId = runId
        self.step = step
        self.path = path
        self.createdAt = createdAt
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// Per-token log-probs as a blob: Float32, little-endian, no header (4 bytes per token).
public enum TokenLogprobsBlob {
    public static func encode(_ values: [Float]) -> Data {
        var data = Data(capacity: values.count * 4)
        for value in values {
            withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) }
        }
        return data
    }

    public static func decode(_ data: Data, context: String) throws(StoreError) -> [Float] {
        guard data.count % 4 == 0 else {
            throw .corrupt("\(context): token log-probs blob has \(data.count) bytes, not a multiple of 4")
        }
        let bytes = [UInt8](data)
        return stride(from: 0, to: bytes.count, by: 4).map { offset in
            let bits = UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8
                | UInt32(bytes[offset + 2]) << 16 | UInt32(bytes[offset + 3]) << 24
            return Float(bitPattern: bits)
        }
    }
}
