import TensorCore

/// The random draws of one problem: numbers in a range, one of a list. Built on `SplitMix64`
/// so that a seed gives the same problems on every machine and in every future version.
public struct DemoDraw {
    var generator: SplitMix64

    public init(seed: UInt64, keys: [UInt64]) {
        generator = SplitMix64(seed: seed, keys: keys)
    }

    mutating func int(_ range: ClosedRange<Int>) -> Int {
        range.lowerBound + generator.nextIndex(below: range.count)
    }

    mutating func pick<T>(_ items: [T]) -> T {
        items[generator.nextIndex(below: items.count)]
    }

    mutating func chance(_ numerator: Int, in denominator: Int) -> Bool {
        generator.nextIndex(below: denominator) < numerator
    }

    mutating func person() -> Person {
        pick(Person.all)
    }

    /// Two different people.
    mutating func people() -> (Person, Person) {
        let first = person()
        var second = person()
        while second.name == first.name { second = person() }
        return (first, second)
    }
}

/// A character of a story, with the pronouns its sentences need.
struct Person: Sendable {
    var name: String
    /// "he" / "she"
    var subject: String
    /// "his" / "her"
    var possessive: String

    var Subject: String { subject.prefix(1).uppercased() + subject.dropFirst() }

    static let all: [Person] = {
        let women = ["Ana", "Mia", "Lena", "Sara", "Emma", "Nora", "Lucy", "Rosa", "Maya", "Kate", "Ella", "Ines"]
        let men = ["Tom", "Sam", "Ben", "Leo", "Omar", "Jack", "Ivan", "Noah", "Luis", "Max", "Hugo", "Ravi"]
        return women.map { Person(name: $0, subject: "she", possessive: "her") }
            + men.map { Person(name: $0, subject: "he", possessive: "his") }
    }()
}

/// A draw that broke a rule (a negative or fractional result, a number too large): the
/// generator throws the draw away and makes another.
struct RejectedDraw: Error {}

/// Collects a problem's steps while a template writes them, checking every result.
struct ProblemBuilder {
    /// Results stay at most two digits, so that a model small enough to train here in half an
    /// hour can learn the arithmetic of its own rationales (with three digits it copied the
    /// steps right but got most sums and products wrong).
    static let maximumValue = 99

    private(set) var steps: [DemoStep] = []
    private(set) var values: [Int] = []

    /// Adds `left op right` as the next step; `sentence` receives the equation ("3 + 4 = 7")
    /// and must end on it (its last number is the result). Returns the step as an operand.
    @discardableResult
    mutating func step(
        _ left: DemoOperand, _ operation: DemoOperation, _ right: DemoOperand, _ sentence: (String) -> String
    ) throws(RejectedDraw) -> DemoOperand {
        let a = value(left)
        let b = value(right)
        guard let result = operation.apply(a, b), result <= Self.maximumValue else { throw RejectedDraw() }
        steps.append(DemoStep(left: left, operation: operation, right: right,
                              sentence: sentence("\(a) \(operation.rawValue) \(b) = \(result)")))
        values.append(result)
        return .step(values.count - 1)
    }

    func value(_ operand: DemoOperand) -> Int {
        switch operand {
        case .given(let number): return number
        case .step(let index): return values[index]
        }
    }

    /// The finished problem; its answer is the last step's result.
    func problem(template: String, question: [String]) throws(RejectedDraw) -> DemoProblem {
        guard let answer = values.last, steps.count >= 2 else { throw RejectedDraw() }
        return DemoProblem(template: template, question: question.joined(separator: " "), steps: steps, answer: answer)
    }
}

/// Shorthand for a story's number.
func given(_ number: Int) -> DemoOperand { .given(number) }

/// "apples" -> "Apples", for a phrasing that starts a sentence with an object.
func capitalized(_ text: String) -> String { text.prefix(1).uppercased() + text.dropFirst() }
