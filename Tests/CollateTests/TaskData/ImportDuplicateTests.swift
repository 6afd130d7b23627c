import Foundation
import Testing
@testable import Collate
import TestSupport

/// Issue 23: import checks across lines. The same question twice (in one file, or in train
/// and test: test contamination; or with two gold answers) is refused naming the lines;
/// `allowDuplicates` keeps them. A field beyond TaskExample.maxFieldBytes is a bad line.
@Suite struct ImportDuplicateTests {
    static func line(_ question: String, _ answer: String) -> String {
        #"{"question": "\#(question)", "answer": "Because.\n#### \#(answer)"}"#
    }

    func importing(train: [String], test: [String], allowDuplicates: Bool = false,
                   policy: BadLinePolicy = .fail) throws -> (SessionStore, Result<ImportReport, any Error>) {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        _ = try directory.write(train.joined(separator: "\n") + "\n", to: "s/data/train.jsonl")
        _ = try directory.write(test.joined(separator: "\n") + "\n", to: "s/data/test.jsonl")
        var manifest = SessionManifest(data: TaskDataSpec(format: .gsm8k, train: "data/train.jsonl", test: "data/test.jsonl"))
        manifest.splits.validationSize = 1
        let location = try SessionLocation(name: "s", sessionsDirectory: directory.url)
        let store = try SessionStore()
        let result = Result { try TaskImporter.importData(manifest: manifest, location: location, store: store,
                                                          policy: policy, allowDuplicates: allowDuplicates) }
        return (store, result)
    }

    static let distinct = (1...4).map { line("How many apples are in basket \($0)?", "\($0)") }

    @Test func distinctQuestionsImport() throws {
        let (store, result) = try importing(train: Self.distinct, test: [Self.line("What is 2 + 2?", "4")])
        #expect(try result.get().duplicates.isEmpty)
        #expect(try store.prompts().count == 5)
    }

    @Test func aTestQuestionAlsoInTrainIsRefusedNamingBothLines() throws {
        // Re-spaced and re-cased: still the same question.
        let (store, result) = try importing(train: Self.distinct,
                                            test: [Self.line("how many  apples are in basket 3?", "3")])
        guard case .failure(TaskDataError.duplicates(let groups)) = result else {
            Issue.record("imported: \(result)")
            return
        }
        #expect(groups.count == 1)
        #expect(groups[0].occurrences.map(\.line) == [3, 1])
        #expect(groups[0].occurrences.map(\.file) == ["data/train.jsonl", "data/test.jsonl"])
        #expect(groups[0].crossesSplits && !groups[0].conflictingAnswers)
        let message = TaskDataError.duplicates(groups).description
        #expect(message.contains("data/train.jsonl:3") && message.contains("data/test.jsonl:1"), "\(message)")
        #expect(message.contains("test contamination") && message.contains("--allow-duplicates"), "\(message)")
        #expect(try store.prompts().isEmpty, "nothing imported")
    }

    @Test func oneQuestionWithTwoGoldAnswersIsNamed() throws {
        let train = Self.distinct + [Self.line("How many apples are in basket 1?", "7")]
        let (_, result) = try importing(train: train, test: [Self.line("What is 2 + 2?", "4")])
        guard case .failure(TaskDataError.duplicates(let groups)) = result else {
            Issue.record("imported: \(result)")
            return
        }
        #expect(groups.count == 1 && groups[0].occurrences.map(\.line) == [1, 5])
        #expect(groups[0].conflictingAnswers)
        #expect(groups[0].description.contains("gold answers differ: \"1\" vs \"7\""), "\(groups[0])")
    }

    @Test func allowDuplicatesKeepsThemAndReportsThem() throws {
        let train = Self.distinct + [Self.distinct[0]]
        let (store, result) = try importing(train: train, test: [Self.line("What is 2 + 2?", "4")], allowDuplicates: true)
        let report = try result.get()
        #expect(report.duplicates.count == 1 && report.duplicates[0].occurrences.map(\.line) == [1, 5])
        #expect(try store.prompts().count == 6)
    }

    @Test func aFieldBeyondTheBoundIsABadLineSayingSo() throws {
        let huge = String(repeating: "x", count: TaskExample.maxFieldBytes + 1)
        let train = Self.distinct + [Self.line(huge, "1")]
        let (_, strict) = try importing(train: train, test: [Self.line("What is 2 + 2?", "4")])
        guard case .failure(TaskDataError.badLines(let lines)) = strict else {
            Issue.record("imported: \(strict)")
            return
        }
        #expect(lines.map(\.line) == [5])
        #expect(lines[0].reason == "the question is \(TaskExample.maxFieldBytes + 1) bytes; a field may hold at most \(TaskExample.maxFieldBytes) bytes")
        let (store, skipping) = try importing(train: train, test: [Self.line("What is 2 + 2?", "4")], policy: .skip)
        #expect(try skipping.get().skipped.count == 1 && store.prompts().count == 5)
    }
}
