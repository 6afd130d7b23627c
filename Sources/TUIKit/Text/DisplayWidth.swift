/// How many terminal cells text occupies, as terminals following wcwidth draw it.
///
/// - Control characters (C0, DEL, C1) occupy no cell and `Buffer` never writes them: a raw
///   control byte would move the terminal's cursor behind the diff's back.
/// - East Asian Wide/Fullwidth code points and emoji presentation take two cells, and so do
///   a narrow emoji followed by U+FE0F and a flag (a pair of regional indicators).
/// - Combining marks, format characters (ZWJ, ZWSP, ...) and variation selectors take none;
///   Swift's `Character` already groups them with their base, so a grapheme's width is the
///   width of its first spacing code point.
public enum DisplayWidth {
    /// The width of one Unicode scalar: 0, 1 or 2 (controls count 0).
    public static func of(scalar: Unicode.Scalar) -> Int {
        let value = scalar.value
        if value < 0x20 || (value >= 0x7F && value < 0xA0) { return 0 }
        if value < 0x300 { return 1 }  // Latin-1 and Latin Extended: the common fast path
        if contains(WidthTable.zero, value) { return 0 }
        if contains(WidthTable.wide, value) { return 2 }
        return 1
    }

    /// The width of one grapheme cluster.
    public static func of(_ grapheme: Character) -> Int {
        if let ascii = grapheme.asciiValue {
            return ascii < 0x20 || ascii == 0x7F ? 0 : 1
        }
        var width = 0
        var regionalIndicators = 0
        var first: Unicode.Scalar?
        var previous: Unicode.Scalar?
        for scalar in grapheme.unicodeScalars {
            if scalar.value == 0xFE0F, let base = previous, contains(WidthTable.vs16, base.value) {
                return 2
            }
            if scalar.value >= 0x1F1E6, scalar.value <= 0x1F1FF { regionalIndicators += 1 }
            if first == nil {
                first = scalar
                // A control character grouped with others (e.g. "\r\n") stays invisible.
                if isControl(scalar) { return 0 }
            }
            if width == 0 { width = of(scalar: scalar) }
            previous = scalar
        }
        return regionalIndicators >= 2 ? 2 : width
    }

    /// The width of a string: the sum of its graphemes' widths.
    public static func of(_ text: some StringProtocol) -> Int {
        var total = 0
        for grapheme in text { total += of(grapheme) }
        return total
    }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (scalar.value >= 0x7F && scalar.value < 0xA0)
    }

    /// Bisection over a flat, sorted [lo, hi, lo, hi, ...] table of inclusive ranges.
    static func contains(_ table: [UInt32], _ value: UInt32) -> Bool {
        var low = 0
        var high = table.count / 2 - 1
        guard high >= 0, value >= table[0], value <= table[table.count - 1] else { return false }
        while low <= high {
            let middle = (low + high) / 2
            if value < table[2 * middle] {
                high = middle - 1
            } else if value > table[2 * middle + 1] {
                low = middle + 1
            } else {
                return true
            }
        }
        return false
    }
}

extension StringProtocol {
    /// The number of terminal cells this text occupies (see `DisplayWidth`).
    public var displayWidth: Int { DisplayWidth.of(self) }
}

extension Character {
    /// The number of terminal cells this grapheme occupies: 0, 1 or 2.
    public var displayWidth: Int { DisplayWidth.of(self) }
}
