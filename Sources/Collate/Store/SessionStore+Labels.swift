import Foundation
import GRDB

/// A person's decision about a prompt's pair (COLLATE.md section 7).
public enum HumanLabelRequest: Sendable, Equatable {
    /// Pick the winner and the loser among the providers' rationales.
    case pair(chosen: Int, rejected: Int)
    /// Do not train on this prompt.
    case drop
    /// Train on the auto pair although the filter dropped it.
    case keepFiltered
    /// Agree with the auto label as it is (kept or filtered): recorded as a human decision so
    /// that the prompt counts as reviewed and in the agreement metric.
    case acceptAuto
    /// A rationale written by hand becomes the chosen side; the rejected side is `rejected`,
    /// or the auto label's rejected provider when nil.
    case rationale(String, rejected: Int?)
}

/// What a label write did.
public struct LabelWrite: Sendable, Equatable {
    /// The effective label after the write.
    public let label: LabelRecord
    /// The label it replaced, if any.
    public let replaced: LabelRecord?
    /// True when the same decision was already in force: nothing was written (idempotent).
    public let unchanged: Bool
}

/// Labels: append-only rows with provenance. For each (prompt, iteration) the effective label
/// is the latest human label if there is one and it is not a withdrawal, else the latest auto
/// label; DPO trains on it.
extension SessionStore {
    /// Records the automatic decision of the pairs stage. Writing the same decision again is a
    /// no-op, so the stage can be rerun after a kill.
    @discardableResult
    public func writeAutoLabel(promptID: Int64, iteration: Int, decision: PairDecision,
                               at date: Date = Date()) throws -> LabelWrite {
        try write { db in try Self.writeAutoLabel(db, promptID: promptID, iteration: iteration, decision: decision, at: date) }
    }

    static func writeAutoLabel(_ db: Database, promptID: Int64, iteration: Int, decision: PairDecision,
                               at date: Date) throws -> LabelWrite {
        guard try PromptRecord.exists(db, key: promptID) else { throw StoreError.unknownPrompt(promptID) }
        let previous = try latest(db, promptID: promptID, iteration: iteration, source: .auto)
        var label = LabelRecord(
            id: nil, promptId: promptID, iteration: iteration, source: .auto,
            action: decision.kept ? .chosen : .filtered,
            chosenProvider: decision.chosen.provider, rejectedProvider: decision.rejected.provider,
            chosenRationale: nil, scoreChosen: decision.chosen.score, scoreRejected: decision.rejected.score,
            scoreBaseline: decision.baseline, note: nil, createdAt: date, replacesLabelId: previous?.id)
        if let previous, sameContent(previous, label) {
            return LabelWrite(label: previous, replaced: nil, unchanged: true)
        }
        try label.insert(db)
        return LabelWrite(label: label, replaced: previous, unchanged: false)
    }

    /// Records a person's decision, replacing the effective label. `providerCount` is S, to
    /// reject provider numbers the session does not have. Repeating the decision in force
    /// (same content and note) writes nothing. `expecting` makes the write a compare-and-set
    /// on the latest human row (`StoreError.labelChanged` when another writer moved it).
    @discardableResult
    public func writeHumanLabel(promptID: Int64, iteration: Int, request: HumanLabelRequest, note: String?,
                                providerCount: Int, expecting: HumanLabelExpectation = .anything,
                                at date: Date = Date()) throws -> LabelWrite {
        try write { db in
            guard try PromptRecord.exists(db, key: promptID) else { throw StoreError.unknownPrompt(promptID) }
            try Self.check(expecting, db, promptID: promptID, iteration: iteration)
            let auto = try Self.latest(db, promptID: promptID, iteration: iteration, source: .auto)
            let effective = try Self.effective(db, promptID: promptID, iteration: iteration)
            let scores = try Self.scores(db, promptID: promptID, iteration: iteration)
            let score = { (provider: Int?) in provider.flatMap { p in scores.first { $0.provider == p }?.score } }

            func checkProvider(_ provider: Int, _ role: String) throws {
                guard (1...providerCount).contains(provider) else {
                    throw StoreError.invalidLabel("\(role) provider \(provider) is not in 1...\(providerCount)")
                }
            }
            var label = LabelRecord(
                id: nil, promptId: promptID, iteration: iteration, source: .human, action: .chosen,
                chosenProvider: nil, rejectedProvider: nil, chosenRationale: nil, scoreChosen: nil,
                scoreRejected: nil, scoreBaseline: score(ScoreRecord.baselineProvider), note: note,
                createdAt: date, replacesLabelId: effective?.id)
            switch request {
            case .pair(let chosen, let rejected):
                try checkProvider(chosen, "chosen")
                try checkProvider(rejected, "rejected")
                guard chosen != rejected else {
                    throw StoreError.invalidLabel("chosen and rejected are both provider \(chosen)")
                }
                label.chosenProvider = chosen
                label.rejectedProvider = rejected
            case .drop:
                label.action = .dropped
            case .keepFiltered:
                guard let auto else {
                    throw StoreError.invalidLabel("prompt \(promptID) has no auto pair in iteration \(iteration) to keep")
                }
                guard auto.action == .filtered else {
                    throw StoreError.invalidLabel("the auto pair of prompt \(promptID) was not filtered out")
                }
                label.action = .keptFiltered
                label.chosenProvider = auto.chosenProvider
                label.rejectedProvider = auto.rejectedProvider
            case .acceptAuto:
                guard let auto else {
                    throw StoreError.invalidLabel("prompt \(promptID) has no auto label in iteration \(iteration) to accept")
                }
                label.action = auto.action
                label.chosenProvider = auto.chosenProvider
                label.rejectedProvider = auto.rejectedProvider
            case .rationale(let text, let rejected):
                guard !text.trimmingWhitespace().isEmpty else {
                    throw StoreError.invalidLabel("the hand-written rationale is empty")
                }
                guard let loser = rejected ?? auto?.rejectedProvider else {
                    throw StoreError.invalidLabel(
                        "a hand-written rationale needs a rejected provider (no auto pair to take it from)")
                }
                try checkProvider(loser, "rejected")
                label.chosenRationale = text
                label.rejectedProvider = loser
            }
            label.scoreChosen = score(label.chosenProvider)
            label.scoreRejected = score(label.rejectedProvider)
            if let effective, effective.source == .human, Self.sameContent(effective, label),
               effective.note == label.note {
                return LabelWrite(label: effective, replaced: nil, unchanged: true)
            }
            try label.insert(db)
            return LabelWrite(label: label, replaced: effective, unchanged: false)
        }
    }

    /// The label DPO trains on for (prompt, iteration), or nil.
    public func effectiveLabel(promptID: Int64, iteration: Int) throws -> LabelRecord? {
        try read { db in try Self.effective(db, promptID: promptID, iteration: iteration) }
    }

    /// Every label of (prompt, iteration), oldest first: the provenance trail.
    public func labelHistory(promptID: Int64, iteration: Int) throws -> [LabelRecord] {
        try read { db in
            try LabelRecord.filter(Column("promptId") == promptID && Column("iteration") == iteration)
                .order(Column("id")).fetchAll(db)
        }
    }

    /// The latest iteration in which this prompt has a rationale, a score or a label, if any.
    public func latestIteration(promptID: Int64) throws -> Int? {
        try read { db in
            try Int.fetchOne(db, sql: """
                SELECT MAX(iteration) FROM (
                    SELECT iteration FROM label WHERE promptId = ?1
                    UNION ALL SELECT iteration FROM score WHERE promptId = ?1
                    UNION ALL SELECT iteration FROM generation WHERE promptId = ?1)
                """, arguments: [promptID])
        }
    }

    /// The effective labels of one iteration, one per labelled prompt, by prompt id.
    public func effectiveLabels(iteration: Int) throws -> [LabelRecord] {
        try read { db in try Self.effectiveLabels(db, iteration: iteration) }
    }

    /// Auto/human agreement in one iteration (COLLATE.md section 7): prompts with both an auto
    /// label and a human label, comparing the latest of each.
    public func labelAgreement(iteration: Int) throws -> LabelAgreement {
        try read { db in
            let auto = try Self.latestPerPrompt(db, iteration: iteration, source: .auto)
            let human = try Self.latestPerPrompt(db, iteration: iteration, source: .human)
            let both = human.compactMap { id, humanLabel in auto[id].map { (auto: $0.decision, human: humanLabel.decision) } }
            return LabelAgreement(both)
        }
    }

    // MARK: queries inside a transaction

    static func latest(_ db: Database, promptID: Int64, iteration: Int, source: LabelSource) throws -> LabelRecord? {
        try LabelRecord
            .filter(Column("promptId") == promptID && Column("iteration") == iteration
                    && Column("source") == source.rawValue)
            .order(Column("id").desc).fetchOne(db)
    }

    /// The person's decision in force: the latest human row unless it withdrew the one before.
    static func humanInForce(_ db: Database, promptID: Int64, iteration: Int) throws -> LabelRecord? {
        guard let human = try latest(db, promptID: promptID, iteration: iteration, source: .human),
              human.action != .withdrawn else { return nil }
        return human
    }

    static func effective(_ db: Database, promptID: Int64, iteration: Int) throws -> LabelRecord? {
        try humanInForce(db, promptID: promptID, iteration: iteration)
            ?? latest(db, promptID: promptID, iteration: iteration, source: .auto)
    }

    /// The latest label of `source` per prompt; a withdrawn human label counts as none.
    static func latestPerPrompt(_ db: Database, iteration: Int, source: LabelSource) throws -> [Int64: LabelRecord] {
        let rows = try LabelRecord
            .filter(sql: """
                id IN (SELECT MAX(id) FROM label WHERE iteration = ? AND source = ? GROUP BY promptId)
                """, arguments: [iteration, source.rawValue])
            .fetchAll(db)
            .filter { $0.action != .withdrawn }
        return Dictionary(uniqueKeysWithValues: rows.map { ($0.promptId, $0) })
    }

    static func effectiveLabels(_ db: Database, iteration: Int) throws -> [LabelRecord] {
        let auto = try latestPerPrompt(db, iteration: iteration, source: .auto)
        let human = try latestPerPrompt(db, iteration: iteration, source: .human)
        return auto.merging(human) { _, humanLabel in humanLabel }.values.sorted { $0.promptId < $1.promptId }
    }

    static func sameContent(_ a: LabelRecord, _ b: LabelRecord) -> Bool {
        a.decision == b.decision && a.scoreChosen == b.scoreChosen && a.scoreRejected == b.scoreRejected
            && a.scoreBaseline == b.scoreBaseline
    }
}
