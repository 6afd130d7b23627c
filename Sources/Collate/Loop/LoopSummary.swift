import Foundation
import GRDB

/// One row of `collate run`'s table: the providers after `iteration` rounds of loop training
/// (0: as the providers stage left them), read back from the store.
///
/// Store iterations follow the stages: the rationales of store iteration I are written by the
/// adapters of iteration I-1, so the test accuracy of the providers after round i is the eval
/// of store iteration i + 1, and the pairs they were trained on in round i are the labels of
/// store iteration i (round 0: the providers stage's iteration-0 pairs, gold over M_IFT's
/// rationale, which have no scores).
public struct LoopRow: Sendable, Equatable {
    public struct Accuracy: Sendable, Equatable {
        public var correct: Int
        public var total: Int
        public var fraction: Double { total == 0 ? 0 : Double(correct) / Double(total) }
    }

    public var iteration: Int
    /// nil until that round's eval ran.
    public var direct: Accuracy?
    public var providers: [Int: Accuracy] = [:]
    public var selectedProvider: Int?
    public var selected: Accuracy?
    public var oracle: Accuracy?
    /// Training prompts with an auto label in the round (pairs formed).
    public var pairsFormed = 0
    /// Auto labels the filter kept.
    public var pairsKept = 0
    /// Effective labels that train (human decisions included): what DPO used.
    public var pairsTrained = 0
    /// Mean l of the chosen and of the rejected rationale over the pairs formed (nil without
    /// scores, as in round 0) ...
    public var meanChosenScore: Double?
    public var meanRejectedScore: Double?
    /// ... and over the pairs the filter kept.
    public var keptMeanChosenScore: Double?
    public var keptMeanRejectedScore: Double?
}

public enum LoopSummary {
    /// Rows 0...iterations (rows whose eval has not run carry only their pair counts).
    public static func rows(store: SessionStore, iterations: Int) throws -> [LoopRow] {
        try (0...max(iterations, 0)).map { try row(store: store, iteration: $0) }
    }

    public static func row(store: SessionStore, iteration: Int) throws -> LoopRow {
        var row = LoopRow(iteration: iteration)
        for record in try store.evaluation(iteration: iteration + 1) {
            let accuracy = LoopRow.Accuracy(correct: record.correct, total: record.total)
            switch record.method {
            case .direct: row.direct = accuracy
            case .provider: row.providers[record.provider] = accuracy
            case .selected:
                row.selected = accuracy
                row.selectedProvider = record.provider
            case .oracle: row.oracle = accuracy
            }
        }
        let (autoByPrompt, human) = try store.labelsInForce(iteration: iteration)
        // By prompt id, so that the means are summed in the same order on every read.
        let auto = autoByPrompt.sorted { $0.key < $1.key }.map(\.value)
        row.pairsFormed = auto.count
        let kept = auto.filter { $0.action == .chosen }
        row.pairsKept = kept.count
        row.pairsTrained = autoByPrompt.merging(human) { _, person in person }.values.filter { $0.action.trains }.count
        row.meanChosenScore = mean(auto.compactMap(\.scoreChosen))
        row.meanRejectedScore = mean(auto.compactMap(\.scoreRejected))
        row.keptMeanChosenScore = mean(kept.compactMap(\.scoreChosen))
        row.keptMeanRejectedScore = mean(kept.compactMap(\.scoreRejected))
        return row
    }

    static func mean(_ values: [Double]) -> Double? {
        values.isEmpty ? nil : values.reduce(0, +) / Double(values.count)
    }
}
