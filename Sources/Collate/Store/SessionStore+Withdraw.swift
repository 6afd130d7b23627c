import Foundation
import GRDB

extension SessionStore {
    /// Withdraws the person's label of (prompt, iteration): undo back to "no human label", so
    /// the auto label (if any) is in force again. Appends a `withdrawn` human row whose
    /// `replacesLabelId` is the label withdrawn; nothing is deleted or rewritten. Returns that
    /// row, or nil when no human label is in force (nothing to withdraw, nothing written).
    /// `expecting`: as for `writeHumanLabel`, a compare-and-set on the latest human row.
    @discardableResult
    public func withdrawHumanLabel(promptID: Int64, iteration: Int, expecting: HumanLabelExpectation = .anything,
                                   at date: Date = Date()) throws -> LabelRecord? {
        try write { db in
            guard try PromptRecord.exists(db, key: promptID) else { throw StoreError.unknownPrompt(promptID) }
            try Self.check(expecting, db, promptID: promptID, iteration: iteration)
            guard let human = try Self.humanInForce(db, promptID: promptID, iteration: iteration) else { return nil }
            var withdrawal = LabelRecord(
                id: nil, promptId: promptID, iteration: iteration, source: .human, action: .withdrawn,
                chosenProvider: nil, rejectedProvider: nil, chosenRationale: nil, scoreChosen: nil,
                scoreRejected: nil, scoreBaseline: nil, note: nil, createdAt: date, replacesLabelId: human.id)
            try withdrawal.insert(db)
            return withdrawal
        }
    }

    /// The person's label in force for (prompt, iteration): nil if there is none or it was withdrawn.
    public func humanLabel(promptID: Int64, iteration: Int) throws -> LabelRecord? {
        try read { db in try Self.humanInForce(db, promptID: promptID, iteration: iteration) }
    }

    /// The latest auto label of (prompt, iteration).
    public func autoLabel(promptID: Int64, iteration: Int) throws -> LabelRecord? {
        try read { db in try Self.latest(db, promptID: promptID, iteration: iteration, source: .auto) }
    }

    /// Latest auto labels and human labels in force of one iteration, by prompt id (one query
    /// each, for loading a whole session at once).
    public func labelsInForce(iteration: Int) throws -> (auto: [Int64: LabelRecord], human: [Int64: LabelRecord]) {
        try read { db in
            (try Self.latestPerPrompt(db, iteration: iteration, source: .auto),
             try Self.latestPerPrompt(db, iteration: iteration, source: .human))
        }
    }
}
