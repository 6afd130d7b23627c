/// A question asked by more than one line of the task data: the same line twice, the same
/// question in train and test (test contamination: the model is tested on what it trained
/// on), or one question with two gold answers. Questions are compared with whitespace runs
/// collapsed and letters lowercased, so a re-spaced copy is still a copy.
public struct DuplicateQuestion: Sendable, Equatable, CustomStringConvertible {
    public struct Occurrence: Sendable, Equatable {
        public var file: String
        public var line: Int
        public var split: DataSplit
        public var goldAnswer: String
    }

    /// In file order, then line order.
    public var occurrences: [Occurrence]

    /// Some copies are trained on and others evaluated on.
    public var crossesSplits: Bool { Set(occurrences.map(\.split)).count > 1 }
    public var conflictingAnswers: Bool { Set(occurrences.map(\.goldAnswer)).count > 1 }

    public var description: String {
        let places = occurrences.map { "\($0.file):\($0.line) (\($0.split.rawValue))" }.joined(separator: ", ")
        var notes: [String] = []
        if crossesSplits { notes.append("in more than one split: test contamination") }
        if conflictingAnswers {
            notes.append("gold answers differ: " + occurrences.map { "\"\($0.goldAnswer)\"" }.joined(separator: " vs "))
        }
        return "the same question at " + places + (notes.isEmpty ? "" : " (" + notes.joined(separator: "; ") + ")")
    }

    /// Every question that occurs more than once across `batches`, in order of first occurrence.
    static func find(in batches: [(file: String, examples: [TaskExample], splits: [DataSplit])]) -> [DuplicateQuestion] {
        var groups: [String: [Occurrence]] = [:]
        var order: [String] = []
        for batch in batches {
            for (example, split) in zip(batch.examples, batch.splits) {
                let key = normalized(example.instruction)
                if groups[key] == nil { order.append(key) }
                groups[key, default: []].append(Occurrence(file: batch.file, line: example.line, split: split,
                                                           goldAnswer: example.goldAnswer))
            }
        }
        return order.compactMap { key in
            guard let occurrences = groups[key], occurrences.count > 1 else { return nil }
            return DuplicateQuestion(occurrences: occurrences)
        }
    }

    static func normalized(_ question: String) -> String {
        question.lowercased().split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }
}
