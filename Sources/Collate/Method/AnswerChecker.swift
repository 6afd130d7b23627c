import Foundation

/// Exact-match answer checkers (COLLATE.md section 4), one per kind of task.
public enum AnswerChecker {
    /// GSM8K-style: the prediction's final number equals the gold number, after normalising
    /// thousands separators, a leading "+", leading zeros and trailing fractional zeros
    /// ("1,000" == "1000", "18.0" == "18", "-0.50" == "-.5"). Compared as exact decimal strings,
    /// never as floating point. The prediction's number is the one after "####" when present,
    /// else the last number in the text (a model may answer "The answer is 18.").
    public static func numberMatches(prediction: String, gold: String) -> Bool {
        guard let goldNumber = canonicalNumber(gold.trimmingWhitespace()),
              let predicted = extractNumber(from: prediction)
        else { return false }
        return predicted == goldNumber
    }

    /// Multiple choice: the prediction names the gold option, either by its text (case and
    /// surrounding whitespace/final period ignored) or by its letter ("B", "(B)", "B.", "B)").
    public static func optionMatches(prediction: String, gold: String, options: [String]) -> Bool {
        let answer = normaliseOption(prediction)
        guard !answer.isEmpty else { return false }
        if answer == normaliseOption(gold) { return true }
        guard let goldIndex = options.firstIndex(where: { normaliseOption($0) == normaliseOption(gold) })
        else { return false }
        // Letter form: only when the text is not itself one of the options.
        if options.contains(where: { normaliseOption($0) == answer }) { return false }
        var letter = answer
        for wrapper in ["(", ")", "."] { letter = letter.replacingOccurrences(of: wrapper, with: "") }
        guard letter.count == 1, let scalar = letter.unicodeScalars.first,
              scalar.value >= 97, scalar.value < 97 + 26
        else { return false }
        return Int(scalar.value - 97) == goldIndex
    }

    /// The number a prediction ends on, canonicalised; nil if there is none.
    public static func extractNumber(from text: String) -> String? {
        let tail: Substring
        if let marker = text.range(of: "####", options: .backwards) {
            tail = text[marker.upperBound...]
            return numberTokens(in: tail).first.flatMap(canonicalNumber)
        }
        tail = Substring(text)
        return numberTokens(in: tail).last.flatMap(canonicalNumber)
    }

    /// "-1,234.50" -> "-1234.5"; "007" -> "7"; "-0" -> "0"; nil when not a plain decimal.
    public static func canonicalNumber(_ raw: String) -> String? {
        var text = raw.replacingOccurrences(of: ",", with: "")
        if text.hasPrefix("$") { text.removeFirst() }
        var negative = false
        if text.hasPrefix("-") { negative = true; text.removeFirst() }
        else if text.hasPrefix("+") { text.removeFirst() }
        if text.hasSuffix(".") { text.removeLast() }
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count <= 2, text.contains(where: \.isNumber) else { return nil }
        let isDigits: (Substring) -> Bool = { $0.allSatisfy { $0.isASCII && $0.isNumber } }
        guard parts.allSatisfy(isDigits) else { return nil }
        var integer = String(parts[0].drop { $0 == "0" })
        var fraction = parts.count == 2 ? String(parts[1]) : ""
        while fraction.hasSuffix("0") { fraction.removeLast() }
        if integer.isEmpty { integer = "0" }
        let magnitude = fraction.isEmpty ? integer : integer + "." + fraction
        return negative && magnitude != "0" ? "-" + magnitude : magnitude
    }

    /// Maximal runs of characters that can make up a number: digits, ",", ".", a leading sign.
    private static func numberTokens(in text: Substring) -> [String] {
        var tokens: [String] = []
        var current = ""
        for character in text {
            let isDigit = character.isASCII && character.isNumber
            let continuesNumber = current.contains(where: \.isNumber) && (character == "," || character == ".")
            if isDigit || continuesNumber {
                current.append(character)
            } else {
                flush(&current, into: &tokens)
                if character == "-" { current = "-" }
            }
        }
        flush(&current, into: &tokens)
        return tokens
    }

    private static func flush(_ current: inout String, into tokens: inout [String]) {
        // A sentence's final period or comma is punctuation, not part of the number.
        while let last = current.last, last == "." || last == "," { current.removeLast() }
        if current.contains(where: { $0.isNumber }) { tokens.append(current) }
        current = ""
    }

    private static func normaliseOption(_ text: String) -> String {
        var result = text.trimmingWhitespace().lowercased()
        while result.hasSuffix(".") { result.removeLast() }
        return result.trimmingWhitespace()
    }
}

extension String {
    func trimmingWhitespace() -> String {
        guard let first = firstIndex(where: { !$0.isWhitespace }),
              let last = lastIndex(where: { !$0.isWhitespace })
        else { return "" }
        return String(self[first...last])
    }
}
