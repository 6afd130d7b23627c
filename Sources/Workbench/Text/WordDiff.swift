/// Word-level difference of two texts: a word is "changed" when it is not part of a longest
/// common subsequence of the two word lists (words are runs of non-spaces).
///
/// Cost O(n * m) time and O(n * m) bits for n and m words; rationales are a few hundred
/// words and the result is cached per frame by `WrapCache`.
public enum WordDiff {
    public static func words(_ text: String) -> [Substring] {
        text.split(whereSeparator: { $0 == " " || $0.isNewline })
    }

    /// For each word of `text`, whether it is absent from the LCS with `other`.
    public static func changedMask(_ text: [Substring], against other: [Substring]) -> [Bool] {
        let n = text.count, m = other.count
        guard n > 0 else { return [] }
        guard m > 0 else { return Array(repeating: true, count: n) }
        // lengths[i][j] = LCS of text[i...] and other[j...], one flat row-major table.
        var lengths = [Int32](repeating: 0, count: (n + 1) * (m + 1))
        for i in stride(from: n - 1, through: 0, by: -1) {
            for j in stride(from: m - 1, through: 0, by: -1) {
                lengths[i * (m + 1) + j] = text[i] == other[j]
                    ? lengths[(i + 1) * (m + 1) + j + 1] + 1
                    : max(lengths[(i + 1) * (m + 1) + j], lengths[i * (m + 1) + j + 1])
            }
        }
        var changed = Array(repeating: true, count: n)
        var i = 0, j = 0
        while i < n, j < m {
            if text[i] == other[j] {
                changed[i] = false
                i += 1
                j += 1
            } else if lengths[(i + 1) * (m + 1) + j] >= lengths[i * (m + 1) + j + 1] {
                i += 1
            } else {
                j += 1
            }
        }
        return changed
    }
}
