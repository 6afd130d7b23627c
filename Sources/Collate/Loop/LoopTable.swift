import Foundation
import LLM

/// The loop's table as text (`collate run`, `collate status`) and JSON (`collate run --json`).
public enum LoopTable {
    /// Width of the per-provider block: "p1  73.40%" (10 characters) per provider and a space
    /// after each; at least the width of its heading.
    static func providersWidth(_ providers: Int) -> Int { max(26, 11 * providers + 1) }

    public static func header(providers: Int) -> String {
        "round  I->A     " + "providers (test accuracy)".padding(toLength: providersWidth(providers), withPad: " ", startingAt: 0)
            + "selected        oracle   pairs  kept  trained  l_chosen  l_rejected"
    }

    static func percent(_ accuracy: LoopRow.Accuracy?) -> String {
        accuracy.map { String(format: "%6.2f%%", 100 * $0.fraction) } ?? "     - "
    }

    static func score(_ value: Double?) -> String {
        value.map { String(format: "%.4f", $0) } ?? "-"
    }

    public static func line(_ row: LoopRow, providers: Int) -> String {
        let perProvider = (1...max(providers, 1)).map { "p\($0) " + percent(row.providers[$0]) }.joined(separator: " ")
        let selected = percent(row.selected) + (row.selectedProvider.map { " (p\($0))" } ?? "     ")
        return String(row.iteration).padding(toLength: 7, withPad: " ", startingAt: 0)
            + percent(row.direct) + "  " + perProvider.padding(toLength: providersWidth(providers), withPad: " ", startingAt: 0)
            + selected.padding(toLength: 16, withPad: " ", startingAt: 0)
            + percent(row.oracle) + " " + String(format: "%6d %5d %8d  ", row.pairsFormed, row.pairsKept, row.pairsTrained)
            + score(row.meanChosenScore).padding(toLength: 10, withPad: " ", startingAt: 0) + score(row.meanRejectedScore)
    }

    public static func text(_ rows: [LoopRow], providers: Int) -> String {
        let total = rows.compactMap { $0.direct?.total }.first.map { " on \($0) test prompts" } ?? ""
        return (["test accuracy per round\(total) (round 0: after the providers stage; pairs of round 0: gold vs M_IFT)",
                 header(providers: providers)] + rows.map { line($0, providers: providers) }).joined(separator: "\n")
    }

    public static func json(_ rows: [LoopRow], providers: Int) -> String {
        func accuracy(_ value: LoopRow.Accuracy?) -> JSONValue {
            guard let value else { return .null }
            return .object(LLM.JSONObject([(key: "correct", value: .int(value.correct)), (key: "total", value: .int(value.total)),
                                       (key: "accuracy", value: .double(value.fraction))]))
        }
        func number(_ value: Double?) -> JSONValue { value.map { .double($0) } ?? .null }
        let items: [JSONValue] = rows.map { row in
            let perProvider: [(key: String, value: JSONValue)] = (1...max(providers, 1)).map {
                (key: "\($0)", value: accuracy(row.providers[$0]))
            }
            return .object(LLM.JSONObject([
                (key: "round", value: .int(row.iteration)),
                (key: "direct", value: accuracy(row.direct)),
                (key: "providers", value: .object(LLM.JSONObject(perProvider))),
                (key: "selected_provider", value: row.selectedProvider.map { .int($0) } ?? .null),
                (key: "selected", value: accuracy(row.selected)),
                (key: "oracle", value: accuracy(row.oracle)),
                (key: "pairs_formed", value: .int(row.pairsFormed)),
                (key: "pairs_kept", value: .int(row.pairsKept)),
                (key: "pairs_trained", value: .int(row.pairsTrained)),
                (key: "mean_score_chosen", value: number(row.meanChosenScore)),
                (key: "mean_score_rejected", value: number(row.meanRejectedScore)),
                (key: "kept_mean_score_chosen", value: number(row.keptMeanChosenScore)),
                (key: "kept_mean_score_rejected", value: number(row.keptMeanRejectedScore)),
            ]))
        }
        return JSONWriter.string(.array(items))
    }
}
