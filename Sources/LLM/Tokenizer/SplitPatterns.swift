/// The split regexes real byte-level tokenizers use, recognised by their exact text and run by
/// hand-written matchers (Swift `Regex` is far too slow for this). Each matcher follows the
/// regex's alternatives in order, with the backtracking Oniguruma would do, so the pieces are
/// the same as Hugging Face `tokenizers` produces.
public enum SplitPattern: Sendable, Equatable {
    /// GPT-2 (ByteLevel `use_regex`):
    /// `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`
    case gpt2
    /// Llama 3 (`\p{N}{1,3}`) and Qwen2 (`\p{N}`, one digit per piece):
    /// `(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+`
    case llama3(maxDigits: Int)

    public static let gpt2Regex = #"'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"#
    public static let llama3Regex =
        #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#
    public static let qwen2Regex =
        #"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+"#

    /// The matcher for a regex text, or nil if it is not one we implement.
    public init?(regex: String) {
        switch regex {
        case Self.gpt2Regex: self = .gpt2
        case Self.llama3Regex: self = .llama3(maxDigits: 3)
        case Self.qwen2Regex: self = .llama3(maxDigits: 1)
        default: return nil
        }
    }

    /// Splits `text` into consecutive pieces (Split behaviour "Isolated"); the ranges cover
    /// the whole input because every character is matched by some alternative.
    public func split(_ text: ArraySlice<Unicode.Scalar>) -> [Range<Int>] {
        var pieces: [Range<Int>] = []
        var position = text.startIndex
        while position < text.endIndex {
            let length: Int
            switch self {
            case .gpt2: length = Self.gpt2Match(text, at: position)
            case .llama3(let maxDigits): length = Self.llama3Match(text, at: position, maxDigits: maxDigits)
            }
            let end = position + max(length, 1)  // never stall, even on a class we missed
            pieces.append(position..<end)
            position = end
        }
        return pieces
    }

    private typealias Classes = UnicodeClasses

    /// Length of `'s|'t|'re|'ve|'m|'ll|'d` at `i` (0 if none). Case-insensitively, Unicode
    /// simple case folding also lets U+017F (long s) match "s".
    private static func contractionLength(_ s: ArraySlice<Unicode.Scalar>, at i: Int, caseInsensitive: Bool) -> Int {
        guard s[i] == "'", i + 1 < s.endIndex else { return 0 }
        func folded(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
            guard caseInsensitive else { return scalar }
            if scalar.value >= 0x41 && scalar.value <= 0x5A { return Unicode.Scalar(scalar.value + 32)! }
            if scalar == "\u{017F}" { return "s" }
            return scalar
        }
        let first = folded(s[i + 1])
        if first == "s" || first == "t" || first == "m" || first == "d" { return 2 }
        guard i + 2 < s.endIndex else { return 0 }
        let second = folded(s[i + 2])
        switch (first, second) {
        case ("r", "e"), ("v", "e"), ("l", "l"): return 3
        default: return 0
        }
    }

    private static func run(_ s: ArraySlice<Unicode.Scalar>, from i: Int, while predicate: (Unicode.Scalar) -> Bool) -> Int {
        var j = i
        while j < s.endIndex && predicate(s[j]) { j += 1 }
        return j
    }

    /// `\s+(?!\S)|\s+` at a whitespace character: the run, minus its last character when a
    /// non-space follows (so that character can lead the next word), but at least one.
    private static func whitespaceMatch(_ s: ArraySlice<Unicode.Scalar>, at i: Int) -> Int {
        let end = run(s, from: i, while: Classes.isWhitespace)
        if end == s.endIndex { return end - i }
        return end - i >= 2 ? end - i - 1 : end - i
    }

    static func gpt2Match(_ s: ArraySlice<Unicode.Scalar>, at i: Int) -> Int {
        let contraction = contractionLength(s, at: i, caseInsensitive: false)
        if contraction > 0 { return contraction }
        // ` ?\p{L}+`, ` ?\p{N}+`, ` ?[^\s\p{L}\p{N}]+`: the optional space then one class run.
        let afterSpace = s[i] == " " ? i + 1 : i
        if afterSpace < s.endIndex {
            for predicate in [Classes.isLetter, Classes.isNumber, Classes.isOther] where predicate(s[afterSpace]) {
                return run(s, from: afterSpace, while: predicate) - i
            }
        }
        if Classes.isWhitespace(s[i]) { return whitespaceMatch(s, at: i) }
        return 1
    }

    static func llama3Match(_ s: ArraySlice<Unicode.Scalar>, at i: Int, maxDigits: Int) -> Int {
        let contraction = contractionLength(s, at: i, caseInsensitive: true)
        if contraction > 0 { return contraction }
        let c = s[i]
        // `[^\r\n\p{L}\p{N}]?\p{L}+`
        if Classes.isLetter(c) { return run(s, from: i, while: Classes.isLetter) - i }
        if !Classes.isNewline(c), !Classes.isNumber(c), i + 1 < s.endIndex, Classes.isLetter(s[i + 1]) {
            return run(s, from: i + 1, while: Classes.isLetter) - i
        }
        // `\p{N}{1,maxDigits}`
        if Classes.isNumber(c) {
            var j = i
            while j < s.endIndex, j - i < maxDigits, Classes.isNumber(s[j]) { j += 1 }
            return j - i
        }
        // ` ?[^\s\p{L}\p{N}]+[\r\n]*`
        let afterSpace = c == " " ? i + 1 : i
        if afterSpace < s.endIndex, Classes.isOther(s[afterSpace]) {
            let end = run(s, from: afterSpace, while: Classes.isOther)
            return run(s, from: end, while: Classes.isNewline) - i
        }
        guard Classes.isWhitespace(c) else { return 1 }
        // `\s*[\r\n]+`: up to and including the last CR/LF of the whitespace run.
        let runEnd = run(s, from: i, while: Classes.isWhitespace)
        if let lastNewline = s[i..<runEnd].lastIndex(where: Classes.isNewline) {
            return lastNewline + 1 - i
        }
        return whitespaceMatch(s, at: i)
    }
}
