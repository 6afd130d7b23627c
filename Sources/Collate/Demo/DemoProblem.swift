/// One arithmetic operation of a demo problem. Results must be non-negative integers, and a
/// division must be exact: `apply` returns nil otherwise, so a template that draws numbers
/// breaking that rule is redrawn rather than producing a fractional or negative answer.
public enum DemoOperation: String, Sendable, CaseIterable {
    case add = "+"
    case subtract = "-"
    case multiply = "*"
    case divide = "/"

    public func apply(_ left: Int, _ right: Int) -> Int? {
        switch self {
        case .add: return left + right
        case .subtract: return left >= right ? left - right : nil
        case .multiply: return left * right
        case .divide: return right > 0 && left % right == 0 ? left / right : nil
        }
    }
}

/// Where a step's operand comes from: a number of the story, or an earlier step's result.
public enum DemoOperand: Sendable, Equatable {
    case given(Int)
    /// The result of step `index` (0-based).
    case step(Int)
}

/// One step of the gold solution: `left op right`, and the rationale sentence that states
/// it ("Tom has 3 + 4 = 7 apples."). The sentence's last number is the step's result.
public struct DemoStep: Sendable, Equatable {
    public var left: DemoOperand
    public var operation: DemoOperation
    public var right: DemoOperand
    public var sentence: String
}

/// A generated word problem: the question, the structure of its solution, and the answer.
/// The structure is what tests recompute the answer from; the text is what the model reads.
public struct DemoProblem: Sendable, Equatable {
    /// The story template's name (for variety statistics and debugging).
    public var template: String
    public var question: String
    public var steps: [DemoStep]
    public var answer: Int
    /// The gold rationale gives only the last step (see `GoldRationales`).
    public var skipsSteps = false

    /// The value of every step, computed from the structure alone; nil when a step refers to
    /// a later step or breaks an operation's rule.
    public func evaluateSteps() -> [Int]? {
        var values: [Int] = []
        for step in steps {
            func value(_ operand: DemoOperand) -> Int? {
                switch operand {
                case .given(let number): return number
                case .step(let index): return values.indices.contains(index) ? values[index] : nil
                }
            }
            guard let left = value(step.left), let right = value(step.right),
                  let result = step.operation.apply(left, right) else { return nil }
            values.append(result)
        }
        return values
    }

    /// The gold rationale: one sentence per step, one step per line; only the last step's
    /// sentence when the problem `skipsSteps`.
    public var rationale: String {
        (skipsSteps ? Array(steps.suffix(1)) : steps).map(\.sentence).joined(separator: "\n")
    }

    /// GSM8K's `answer` field: the worked solution, then `#### N`.
    public var gsm8kAnswer: String {
        rationale + "\n#### \(answer)"
    }

    /// One GSM8K JSONL line: `{"question": ..., "answer": ...}` (no trailing newline).
    public var gsm8kJSONLine: String {
        "{\"question\": \(Self.jsonString(question)), \"answer\": \(Self.jsonString(gsm8kAnswer))}"
    }

    /// A JSON string literal; the generator's text is ASCII, but any text is escaped correctly.
    static func jsonString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
