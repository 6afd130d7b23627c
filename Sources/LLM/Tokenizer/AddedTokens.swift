/// An entry of `added_tokens`: text matched literally and split out before pre-tokenization.
public struct AddedToken: Sendable, Equatable {
    public var id: Int
    public var content: String
    public var special: Bool
    /// Also swallow whitespace on the left / right of the match.
    public var lstrip: Bool
    public var rstrip: Bool
    /// Match only when not inside a word.
    public var singleWord: Bool

    public init(id: Int, content: String, special: Bool, lstrip: Bool = false, rstrip: Bool = false, singleWord: Bool = false) {
        self.id = id
        self.content = content
        self.special = special
        self.lstrip = lstrip
        self.rstrip = rstrip
        self.singleWord = singleWord
    }
}

/// A stretch of input: ordinary text for the pre-tokenizer, or an added token's id.
enum TextSegment: Equatable {
    case text(ArraySlice<Unicode.Scalar>)
    case token(Int)
}

/// Finds added tokens in text: leftmost match first, the longest at that position (the
/// aho-corasick LeftmostLongest search `tokenizers` uses).
struct AddedTokenMatcher: Sendable {
    private struct Candidate: Sendable {
        var scalars: [Unicode.Scalar]
        var token: AddedToken
    }

    /// Candidates by first scalar, longest first.
    private let candidates: [Unicode.Scalar: [Candidate]]

    init(_ tokens: [AddedToken]) {
        var candidates: [Unicode.Scalar: [Candidate]] = [:]
        for token in tokens {
            let scalars = Array(token.content.unicodeScalars)
            guard let first = scalars.first else { continue }
            candidates[first, default: []].append(Candidate(scalars: scalars, token: token))
        }
        self.candidates = candidates.mapValues { $0.sorted { $0.scalars.count > $1.scalars.count } }
    }

    var isEmpty: Bool { candidates.isEmpty }

    func segments(of text: [Unicode.Scalar]) -> [TextSegment] {
        guard !candidates.isEmpty else { return text.isEmpty ? [] : [.text(text[...])] }
        var segments: [TextSegment] = []
        var textStart = 0
        var index = 0
        while index < text.count {
            guard let match = longestMatch(in: text, at: index) else {
                index += 1
                continue
            }
            var before = textStart..<index
            var after = index + match.scalars.count
            if match.token.lstrip {
                while before.upperBound > before.lowerBound, UnicodeClasses.isWhitespace(text[before.upperBound - 1]) {
                    before = before.lowerBound..<(before.upperBound - 1)
                }
            }
            if match.token.rstrip {
                while after < text.count, UnicodeClasses.isWhitespace(text[after]) { after += 1 }
            }
            if !before.isEmpty { segments.append(.text(text[before])) }
            segments.append(.token(match.token.id))
            index = after
            textStart = after
        }
        if textStart < text.count { segments.append(.text(text[textStart...])) }
        return segments
    }

    private func longestMatch(in text: [Unicode.Scalar], at index: Int) -> Candidate? {
        guard let list = candidates[text[index]] else { return nil }
        for candidate in list {
            let end = index + candidate.scalars.count
            guard end <= text.count, text[index..<end].elementsEqual(candidate.scalars) else { continue }
            if candidate.token.singleWord {
                let isWordScalar = { (s: Unicode.Scalar) in UnicodeClasses.isLetter(s) || UnicodeClasses.isNumber(s) || s == "_" }
                if index > 0, isWordScalar(text[index - 1]) { continue }
                if end < text.count, isWordScalar(text[end]) { continue }
            }
            return candidate
        }
        return nil
    }
}
