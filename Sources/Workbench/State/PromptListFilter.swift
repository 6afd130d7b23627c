import Foundation  // String.range(of:options:)
import TUIKit

extension WorkbenchState {
    /// The filters `f` steps through after "all", in the legend's order.
    static let filterCycle: [LabelStatus] = [.unlabelled, .auto, .human, .humanOnly, .disagreement, .filtered]

    /// Indices (into `session.prompts`) of the prompts the list shows: all of them, or those
    /// in the filter's state plus the selected one, so that a prompt labelled out of the
    /// filter stays in view until the selection moves on.
    public var listedPrompts: [Int] {
        guard let listFilter else { return Array(session.prompts.indices) }
        return session.prompts.indices.filter { $0 == selectedPrompt || LabelStatus(session.prompts[$0]) == listFilter }
    }

    /// How many prompts are in `status`.
    func count(of status: LabelStatus) -> Int {
        session.prompts.reduce(0) { $0 + (LabelStatus($1) == status ? 1 : 0) }
    }
}

/// The search text's occurrences in a line, as spans: matches drawn in `match`, the rest in
/// `base` (case-insensitive, as `PromptSearch` matches).
enum SearchHighlight {
    static func spans(_ text: String, needle: String?, base: Style, match: Style) -> [Span] {
        guard let needle, !needle.isEmpty else { return [Span(text, style: base)] }
        var spans: [Span] = []
        var rest = text.startIndex
        while let found = text.range(of: needle, options: .caseInsensitive, range: rest..<text.endIndex) {
            if found.lowerBound > rest { spans.append(Span(String(text[rest..<found.lowerBound]), style: base)) }
            spans.append(Span(String(text[found]), style: match))
            rest = found.upperBound
        }
        if rest < text.endIndex || spans.isEmpty { spans.append(Span(String(text[rest...]), style: base)) }
        return spans
    }
}
