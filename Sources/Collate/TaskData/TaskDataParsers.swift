import Foundation
import LLM

/// Turns one JSONL line into a task example, or says why it cannot.
enum TaskLineParser {
    /// GSM8K: `{"question", "answer"}`; the answer is a worked solution whose last line is
    /// `#### N` (FORMATS.md, task data in).
    static func gsm8k(_ object: JSONObject) throws(LineProblem) -> (String, String?, String, [String]?) {
        guard case .string(let question)? = object["question"] else {
            throw LineProblem(Self.describeMissing("question", object["question"], expected: "a string"))
        }
        guard case .string(let solution)? = object["answer"] else {
            throw LineProblem(Self.describeMissing("answer", object["answer"], expected: "a string"))
        }
        let (rationale, answer) = try GSM8KSolution.split(solution)
        return (question, rationale, answer, nil)
    }

    /// Generic JSONL through the manifest's field mapping.
    static func mapped(_ object: JSONObject, fields: FieldMapping) throws(LineProblem)
        -> (String, String?, String, [String]?) {
        guard case .string(let instruction)? = object[fields.instruction],
              !instruction.trimmingWhitespace().isEmpty else {
            throw LineProblem(describeMissing(fields.instruction, object[fields.instruction], expected: "a non-empty string"))
        }
        var rationale: String?
        if let name = fields.rationale, let value = object[name], value != .null {
            guard case .string(let text) = value else {
                throw LineProblem("field \"\(name)\" must be a string, found \(value.kindName)")
            }
            rationale = text.trimmingWhitespace().isEmpty ? nil : text
        }
        guard let answerValue = object[fields.answer], let answer = text(answerValue) else {
            throw LineProblem(describeMissing(fields.answer, object[fields.answer], expected: "a string or a number"))
        }
        guard let optionsField = fields.options else { return (instruction, rationale, answer, nil) }
        guard case .array(let values)? = object[optionsField] else {
            throw LineProblem(describeMissing(optionsField, object[optionsField], expected: "a list"))
        }
        var options: [String] = []
        for value in values {
            guard let text = text(value) else {
                throw LineProblem("field \"\(optionsField)\" must list strings, found \(value.kindName)")
            }
            options.append(text)
        }
        guard options.count >= 2 else { throw LineProblem("field \"\(optionsField)\" needs at least two options") }
        return (instruction, rationale, try goldOption(answerValue, answer, options, field: fields.answer), options)
    }

    /// The gold answer of a multiple-choice line, as the option's text: the answer is an
    /// option's text, or else its 0-based index, or else its letter (A = first).
    static func goldOption(_ value: JSONValue, _ answer: String, _ options: [String], field: String) throws(LineProblem) -> String {
        let trimmed = answer.trimmingWhitespace()
        if let match = options.first(where: { $0.trimmingWhitespace() == trimmed }) { return match }
        if let index = value.doubleValue.flatMap({ Int(exactly: $0) }), options.indices.contains(index) {
            return options[index]
        }
        if trimmed.count == 1, let scalar = trimmed.uppercased().unicodeScalars.first,
           scalar.value >= 65, Int(scalar.value - 65) < options.count {
            return options[Int(scalar.value - 65)]
        }
        throw LineProblem("field \"\(field)\" (\"\(answer)\") is not one of the options, an index or a letter")
    }

    /// Strings as they are, numbers as a person writes them ("18", not "18.0").
    static func text(_ value: JSONValue) -> String? {
        switch value {
        case .string(let string): return string
        case .int(let number): return String(number)
        case .double(let number):
            if number.rounded() == number, abs(number) < 9_007_199_254_740_992 { return String(Int64(number)) }
            return String(number)
        default: return nil
        }
    }

    static func describeMissing(_ name: String, _ value: JSONValue?, expected: String) -> String {
        guard let value else { return "missing field \"\(name)\"" }
        return "field \"\(name)\" must be \(expected), found \(value.kindName)"
    }
}

/// Why one line was rejected (the importer adds file and line).
struct LineProblem: Error {
    let reason: String
    init(_ reason: String) { self.reason = reason }
}

/// GSM8K worked solutions.
public enum GSM8KSolution {
    /// Splits a solution into (gold rationale, gold answer): the rationale is every line before
    /// the final `#### N` line with `<<...>>` calculator annotations removed (nil if empty);
    /// the answer is N with thousands commas removed.
    static func split(_ solution: String) throws(LineProblem) -> (rationale: String?, answer: String) {
        let trimmed = solution.trimmingWhitespace()
        let lastLineStart = trimmed.lastIndex(of: "\n").map { trimmed.index(after: $0) } ?? trimmed.startIndex
        let last = trimmed[lastLineStart...].trimmingWhitespaceSubstring()
        guard last.hasPrefix("####") else {
            throw LineProblem("the solution does not end with a \"#### N\" line")
        }
        let answer = String(last.dropFirst(4)).trimmingWhitespace().replacingOccurrences(of: ",", with: "")
        guard AnswerChecker.canonicalNumber(answer) != nil else {
            throw LineProblem("the final answer \"\(answer)\" is not a number")
        }
        let body = String(trimmed[..<lastLineStart])
        let rationale = stripCalculatorAnnotations(body).trimmingWhitespace()
        return (rationale.isEmpty ? nil : rationale, answer)
    }

    /// "48/2 = <<48/2=24>>24" -> "48/2 = 24". An unmatched "<<" is left as text.
    public static func stripCalculatorAnnotations(_ text: String) -> String {
        var output = ""
        var rest = Substring(text)
        while let open = rest.range(of: "<<") {
            guard let close = rest[open.upperBound...].range(of: ">>") else { break }
            output += rest[..<open.lowerBound]
            rest = rest[close.upperBound...]
        }
        return output + rest
    }
}
