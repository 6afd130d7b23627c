import Foundation
import GRDB

/// What a human label write assumes about the store, so that two writers on one session
/// (two workbenches, a workbench and `collate label`) never silently undo each other.
public enum HumanLabelExpectation: Sendable, Equatable {
    /// Write whatever is there (the command line: the latest decision wins).
    case anything
    /// Write only if the latest human row of (prompt, iteration), a withdrawal included, is
    /// this one (nil: there is none): a compare-and-set on what the writer last saw or wrote.
    case latestHumanRow(Int64?)
}

/// The labels of one iteration as one read transaction saw them.
public struct LabelSnapshot: Sendable, Equatable {
    /// The largest label id in the store (0 when there is none). Labels are append-only (a
    /// withdrawal is a row too), so any label write by anyone moves it.
    public let watermark: Int64
    /// Latest auto labels and human labels in force, by prompt id.
    public let auto: [Int64: LabelRecord]
    public let human: [Int64: LabelRecord]
    /// The latest human row (a withdrawal included) per prompt: what a compare-and-set expects.
    public let latestHumanRow: [Int64: Int64]
}

extension SessionStore {
    /// The largest label id (0 when there is none): one indexed lookup, cheap enough to ask
    /// on every key press and poll tick to learn whether anyone wrote a label.
    public func labelWatermark() throws -> Int64 {
        try read { db in try Self.labelWatermark(db) }
    }

    static func labelWatermark(_ db: Database) throws -> Int64 {
        try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(id), 0) FROM label") ?? 0
    }

    /// The labels of `iteration` and the watermark, read in one transaction (so a writer
    /// between them cannot make the watermark claim labels the maps do not hold).
    public func labelSnapshot(iteration: Int) throws -> LabelSnapshot {
        try read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT promptId, MAX(id) AS id FROM label WHERE iteration = ? AND source = ? GROUP BY promptId
                """, arguments: [iteration, LabelSource.human.rawValue])
            var latestHuman: [Int64: Int64] = [:]
            for row in rows { latestHuman[row["promptId"]] = row["id"] }
            return LabelSnapshot(
                watermark: try Self.labelWatermark(db),
                auto: try Self.latestPerPrompt(db, iteration: iteration, source: .auto),
                human: try Self.latestPerPrompt(db, iteration: iteration, source: .human),
                latestHumanRow: latestHuman)
        }
    }

    /// Throws `StoreError.labelChanged` unless the store is as `expectation` says.
    static func check(_ expectation: HumanLabelExpectation, _ db: Database, promptID: Int64, iteration: Int) throws {
        guard case .latestHumanRow(let expected) = expectation else { return }
        let latest = try latest(db, promptID: promptID, iteration: iteration, source: .human)
        guard latest?.id != expected else { return }
        throw StoreError.labelChanged(promptID: promptID, current: latest?.action == .withdrawn ? nil : latest)
    }
}
