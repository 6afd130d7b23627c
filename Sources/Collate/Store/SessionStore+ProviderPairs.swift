import Foundation
import GRDB

/// The providers stage's pairs (COLLATE.md section 2) as iteration-0 rows, so that the DPO
/// trainer, its stored reference log-probs and the status report treat them like the loop's:
/// M_IFT's own rationale is a generation of iteration 0 (written before any adapter), and each
/// pair is an auto label of iteration 0 whose chosen side is the gold rationale
/// (`chosenRationale`) and whose rejected side is that generation.
extension SessionStore {
    /// Records the auto label of a providers-stage pair: `kept` false (the generated rationale
    /// equals the gold one) records it as filtered, not trained on. Writing the same label again
    /// is a no-op, so the stage can be rerun after a kill.
    @discardableResult
    public func writeProviderPairLabel(promptID: Int64, goldRationale: String, rejectedProvider: Int, kept: Bool,
                                       at date: Date = Date()) throws -> LabelWrite {
        try write { db in
            guard try PromptRecord.exists(db, key: promptID) else { throw StoreError.unknownPrompt(promptID) }
            let previous = try Self.latest(db, promptID: promptID, iteration: 0, source: .auto)
            var label = LabelRecord(
                id: nil, promptId: promptID, iteration: 0, source: .auto, action: kept ? .chosen : .filtered,
                chosenProvider: nil, rejectedProvider: rejectedProvider, chosenRationale: goldRationale,
                scoreChosen: nil, scoreRejected: nil, scoreBaseline: nil, note: nil, createdAt: date,
                replacesLabelId: previous?.id)
            if let previous, Self.sameContent(previous, label) {
                return LabelWrite(label: previous, replaced: nil, unchanged: true)
            }
            try label.insert(db)
            return LabelWrite(label: label, replaced: previous, unchanged: false)
        }
    }
}
