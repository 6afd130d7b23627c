import Synchronization
import TUIKit

/// Memoised word wrapping of rationales: a frame re-wraps only texts (or widths, or diff
/// partners) it has not seen, so a 200x60 Compare screen costs little more than copying
/// cells. Keys hold the texts themselves, so streamed tokens (a changed text) miss
/// naturally and nothing needs invalidating. Bounded: cleared when it grows past `limit`.
public final class WrapCache: Sendable {
    struct Key: Hashable {
        var text: String
        var width: Int
        /// The text of the column this one is diffed against, or nil without diff.
        var diffPartner: String?
        var style: Style
        var changedStyle: Style
    }

    private let entries = Mutex<[Key: [[StyledGrapheme]]]>([:])
    let limit = 256

    public init() {}

    public var count: Int { entries.withLock { $0.count } }

    /// Forgets every entry (the render benchmark's naive reference repaints without a cache).
    public func removeAll() { entries.withLock { $0.removeAll() } }

    /// The display lines of `text` wrapped to `width`; with a partner, the words not in the
    /// LCS with the partner's words are drawn in `changedStyle`.
    public func lines(for text: String, width: Int, diffPartner: String?, style: Style,
                      changedStyle: Style) -> [[StyledGrapheme]] {
        let key = Key(text: text, width: width, diffPartner: diffPartner, style: style, changedStyle: changedStyle)
        if let cached = entries.withLock({ $0[key] }) { return cached }
        let wrapped = Self.wrap(text, width: width, diffPartner: diffPartner, style: style, changedStyle: changedStyle)
        entries.withLock { table in
            if table.count >= limit { table.removeAll(keepingCapacity: true) }
            table[key] = wrapped
        }
        return wrapped
    }

    static func wrap(_ text: String, width: Int, diffPartner: String?, style: Style,
                     changedStyle: Style) -> [[StyledGrapheme]] {
        guard let diffPartner else {
            return WordWrap.wrap(Line.hardLines(of: text, style: style), width: width)
        }
        let mask = WordDiff.changedMask(WordDiff.words(text), against: WordDiff.words(diffPartner))
        // Walk the text again word by word, styling each word by its mask entry.
        var lines: [Line] = []
        var wordIndex = 0
        for hardLine in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline) {
            var spans: [Span] = []
            for (position, word) in hardLine.split(separator: " ", omittingEmptySubsequences: false).enumerated() {
                if position > 0 { spans.append(Span(" ", style: style)) }
                guard !word.isEmpty else { continue }
                let changed = wordIndex < mask.count ? mask[wordIndex] : false
                spans.append(Span(String(word), style: changed ? changedStyle : style))
                wordIndex += 1
            }
            lines.append(Line(spans))
        }
        return WordWrap.wrap(lines, width: width)
    }
}
