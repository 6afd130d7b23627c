/// Wrapping only what is shown: the first display lines of a text, read from as little of it
/// as they need, so a 10 MB question costs what its first screen costs.
extension WordWrap {
    /// The first `limit` display lines of one hard line (`graphemes` without newlines), the same
    /// lines `wrap` makes, and whether they are all of it.
    ///
    /// Greedy wrapping of a prefix that ends after a whole word gives the lines of the whole
    /// text except perhaps the last (the next word might still join it); a prefix inside one
    /// word longer than a line cuts it exactly as the whole word is cut, again except the last
    /// line. So the prefix is cut back to its last space, wrapped, and grown until it gives
    /// more than `limit` lines or is the whole text.
    public static func wrapPrefix<S: Sequence>(_ graphemes: S, width: Int, limit: Int)
        -> (lines: [[StyledGrapheme]], complete: Bool) where S.Element == StyledGrapheme {
        guard width > 0, limit > 0 else { return ([], false) }
        var count = (limit + 1) * (width + 1) + 1
        while true {
            var prefix = Array(graphemes.prefix(count + 1))
            let whole = prefix.count <= count
            if !whole {
                prefix.removeLast()
                if let space = prefix.lastIndex(where: \.isSpace) { prefix.removeSubrange(space...) }
            }
            let lines = wrap(prefix, width: width)
            if whole { return (Array(lines.prefix(limit)), lines.count <= limit) }
            if lines.count > limit { return (Array(lines.prefix(limit)), false) }
            count *= 2
        }
    }

    /// The first `limit` display lines of styled hard lines, as `wrap(_:width:)` makes them,
    /// and whether they are all.
    public static func wrapPrefix(_ lines: [Line], width: Int, limit: Int) -> (lines: [[StyledGrapheme]], complete: Bool) {
        var result: [[StyledGrapheme]] = []
        for line in lines {
            guard result.count < limit else { return (result, false) }
            let graphemes = line.spans.lazy.flatMap { span in span.text.lazy.map { StyledGrapheme($0, style: span.style) } }
            let (wrapped, complete) = wrapPrefix(graphemes, width: width, limit: limit - result.count)
            result += wrapped
            if !complete { return (result, false) }
        }
        return (result, true)
    }

    /// The first `limit` display lines of plain text (hard lines separated by newlines) and
    /// whether they are all; reads the text only up to them, copying none of the rest.
    public static func wrapPrefix(_ text: String, width: Int, limit: Int) -> (lines: [String], complete: Bool) {
        var result: [String] = []
        var start = text.startIndex
        while true {
            guard result.count < limit else { return (result, false) }
            // Lazily to the line's end: a line longer than the screen is never scanned whole.
            let graphemes = text[start...].lazy.prefix { !$0.isNewline }.map { StyledGrapheme($0, style: .normal) }
            let (wrapped, complete) = wrapPrefix(graphemes, width: width, limit: limit - result.count)
            result += wrapped.map { String($0.map(\.grapheme)) }
            if !complete { return (result, false) }
            // The whole line was read (it fits): finding its end costs no more than that.
            guard let end = text[start...].firstIndex(where: \.isNewline) else { return (result, true) }
            start = text.index(after: end)
        }
    }
}

extension Line {
    /// The first `count` hard lines of `text` (as `hardLines(of:style:)` splits it), scanning
    /// no further than their end.
    public static func firstHardLines(of text: String, style: Style, count: Int) -> [Line] {
        var lines: [Line] = []
        var start = text.startIndex
        while lines.count < count {
            guard let newline = text[start...].firstIndex(where: \.isNewline) else {
                lines.append(Line(String(text[start...]), style: style))
                break
            }
            lines.append(Line(String(text[start..<newline]), style: style))
            start = text.index(after: newline)
        }
        return lines
    }
}
