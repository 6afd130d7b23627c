/// One grapheme with its style and width, the unit word wrapping works on.
public struct StyledGrapheme: Hashable, Sendable {
    public var grapheme: Character
    public var style: Style
    public var width: Int

    public init(_ grapheme: Character, style: Style) {
        self.grapheme = grapheme
        self.style = style
        self.width = grapheme.displayWidth
    }

    var isSpace: Bool { grapheme == " " || grapheme == "\t" }
}

/// Greedy word wrapping by display width.
///
/// - Words are separated by spaces; a break drops the spaces at it, and trailing spaces
///   are dropped; indentation at the start of a hard line is kept while it fits.
/// - A word wider than the line is cut at grapheme boundaries (never inside a grapheme);
///   it starts on a fresh line unless the current one is empty.
/// - A wide grapheme never straddles the edge: it moves to the next line.
/// - A grapheme wider than the whole width (a CJK character in one column) gets a line of
///   its own, where the buffer clips it.
/// - Tabs become single spaces; other control characters are dropped.
public enum WordWrap {
    /// Wraps one hard line (no newlines) into lines of at most `width` cells.
    public static func wrap(_ graphemes: [StyledGrapheme], width: Int) -> [[StyledGrapheme]] {
        guard width > 0 else { return [] }
        var lines: [[StyledGrapheme]] = []
        var current: [StyledGrapheme] = []
        var currentWidth = 0
        var pendingSpaces: [StyledGrapheme] = []
        var index = 0
        let clean = graphemes.compactMap { item -> StyledGrapheme? in
            if item.grapheme == "\t" { return StyledGrapheme(" ", style: item.style) }
            return item.width == 0 ? nil : item
        }
        func breakLine() {
            lines.append(current)
            current = []
            currentWidth = 0
        }
        while index < clean.count {
            if clean[index].isSpace {
                pendingSpaces.append(clean[index])
                index += 1
                continue
            }
            var end = index
            var wordWidth = 0
            while end < clean.count, !clean[end].isSpace {
                wordWidth += clean[end].width
                end += 1
            }
            let spaceWidth = pendingSpaces.count
            if currentWidth + spaceWidth + wordWidth <= width {
                current += pendingSpaces
                current += clean[index..<end]
                currentWidth += spaceWidth + wordWidth
            } else if wordWidth <= width {
                if !current.isEmpty { breakLine() }
                current += clean[index..<end]
                currentWidth = wordWidth
            } else {
                // Too long for any line: cut it, starting on a fresh line.
                if !current.isEmpty { breakLine() }
                for grapheme in clean[index..<end] {
                    if currentWidth + grapheme.width > width, !current.isEmpty { breakLine() }
                    current.append(grapheme)
                    currentWidth += grapheme.width
                }
            }
            pendingSpaces = []
            index = end
        }
        lines.append(current)
        return lines
    }

    /// Wraps styled lines (each a hard line) into display lines of at most `width` cells.
    public static func wrap(_ lines: [Line], width: Int) -> [[StyledGrapheme]] {
        lines.flatMap { line -> [[StyledGrapheme]] in
            let graphemes = line.spans.flatMap { span in span.text.map { StyledGrapheme($0, style: span.style) } }
            return wrap(graphemes, width: width)
        }
    }

    /// Wraps plain text (hard lines separated by newlines) into strings of at most `width` cells.
    public static func wrap(_ text: String, width: Int) -> [String] {
        wrap(Line.hardLines(of: text, style: .normal), width: width).map { String($0.map(\.grapheme)) }
    }
}

extension Line {
    /// Splits text at newlines ("\n", "\r\n", ...) into one line per hard line.
    public static func hardLines(of text: String, style: Style) -> [Line] {
        text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map { Line(String($0), style: style) }
    }
}
