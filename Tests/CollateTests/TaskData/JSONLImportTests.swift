import Foundation
import Testing
@testable import Collate
import TestSupport

@Suite struct JSONLImportTests {
    static let fields = FieldMapping(instruction: "q", answer: "a", rationale: "why", options: "choices")

    /// Lines 1, 2, 4, 6 are good; 3 (no answer), 5 (not JSON), 7 (answer not an option) are bad.
    static let file = """
    {"q": "Which is a fruit?", "a": "pear", "why": "Pears grow on trees.", "choices": ["pear", "brick"]}
    {"q": "Which is heavy?", "a": 1, "choices": ["feather", "anvil"]}
    {"q": "No answer", "choices": ["x", "y"]}

    {"q": "Letter answer", "a": "B", "choices": ["cat", "dog", "cow"], "why": null}
    not json at all
    {"q": "Bad option", "a": "zebra", "choices": ["cat", "dog"]}
    """

    func session(_ text: String, test: String? = nil) throws -> (TemporaryDirectory, SessionManifest, SessionLocation) {
        let directory = try TemporaryDirectory()
        _ = try directory.write(text, to: "s/data.jsonl")
        if let test { _ = try directory.write(test, to: "s/test.jsonl") }
        var manifest = SessionManifest(data: TaskDataSpec(
            format: .jsonl, train: "data.jsonl", test: test == nil ? nil : "test.jsonl", fields: Self.fields))
        manifest.splits.validationSize = 1
        manifest.splits.testFraction = test == nil ? 0.2 : 0
        return (directory, manifest, try SessionLocation(name: "s", sessionsDirectory: directory.url))
    }

    @Test func strictImportFailsWholeAndNamesEveryBadLine() throws {
        let (directory, manifest, location) = try session(Self.file)
        defer { directory.remove() }
        let store = try SessionStore()
        do {
            _ = try TaskImporter.importData(manifest: manifest, location: location, store: store, policy: .fail)
            Issue.record("expected the strict import to fail")
        } catch let error as TaskDataError {
            guard case .badLines(let lines) = error else { Issue.record("\(error)"); return }
            #expect(lines.map(\.line) == [3, 6, 7])
            #expect(lines[0].description == "data.jsonl:3: missing field \"a\"")
            #expect(lines[1].reason == "not valid JSON at byte 2 of the line: invalid literal, expected 'null'", "\(lines[1].reason)")
        }
        #expect(try store.prompts().isEmpty)
    }

    @Test func skippingImportsTheRestAndReImportAddsNothing() throws {
        let (directory, manifest, location) = try session(Self.file)
        defer { directory.remove() }
        let store = try SessionStore()
        let report = try TaskImporter.importData(manifest: manifest, location: location, store: store, policy: .skip)
        #expect(report.skipped.count == 3 && report.insertedCount == 3 && report.alreadyPresent == 0)
        #expect(report.inserted[.validation] == 1)
        let prompts = try store.prompts()
        #expect(prompts.map(\.sourceLine).sorted() == [1, 2, 5])
        let byLine = Dictionary(uniqueKeysWithValues: prompts.map { ($0.sourceLine, $0) })
        #expect(byLine[1]?.goldAnswer == "pear" && byLine[1]?.goldRationale == "Pears grow on trees.")
        #expect(byLine[1]?.options == ["pear", "brick"])
        #expect(byLine[2]?.goldAnswer == "anvil" && byLine[2]?.goldRationale == nil)  // index 1
        #expect(byLine[5]?.goldAnswer == "dog")                                         // letter B

        let again = try TaskImporter.importData(manifest: manifest, location: location, store: store, policy: .skip)
        #expect(again.insertedCount == 0 && again.alreadyPresent == 3)
        #expect(try store.prompts().count == 3)
    }

    @Test func aChangedLineFailsTheReImport() throws {
        let (directory, manifest, location) = try session(Self.file, test: "{\"q\": \"t\", \"a\": \"x\", \"choices\": [\"x\", \"y\"]}\n")
        defer { directory.remove() }
        let store = try SessionStore()
        let first = try TaskImporter.importData(manifest: manifest, location: location, store: store, policy: .skip)
        #expect(first.inserted[.test] == 1)
        _ = try directory.write(Self.file.replacingOccurrences(of: "Which is heavy?", with: "Which is light?"),
                                to: "s/data.jsonl")
        #expect(throws: TaskDataError.changedSince(file: "data.jsonl", line: 2)) {
            try TaskImporter.importData(manifest: manifest, location: location, store: store, policy: .skip)
        }
        #expect(try store.prompts().count == 4)
    }

    @Test func aMissingFileIsNamed() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let manifest = SessionManifest(data: TaskDataSpec(format: .gsm8k, train: "nowhere.jsonl"))
        let location = try SessionLocation(name: "s", sessionsDirectory: directory.url)
        do {
            _ = try TaskImporter.importData(manifest: manifest, location: location, store: try SessionStore(), policy: .skip)
            Issue.record("expected an error")
        } catch let error as TaskDataError {
            guard case .unreadable(let file, _) = error else { Issue.record("\(error)"); return }
            #expect(file == "nowhere.jsonl")
        }
    }

    @Test(arguments: [
        ("{\"question\": \"q\", \"answer\": \"work\\n#### 1,234\"}", nil as String?, "1234", "work"),
        ("{\"question\": \"q\", \"answer\": \"a <<2*3=6>>6 b <<x\\n#### -5\"}", nil, "-5", "a 6 b <<x"),
        ("{\"question\": \"q\", \"answer\": \"work\\nno final line\"}", "the solution does not end with a \"#### N\" line", "", ""),
        ("{\"question\": \"q\", \"answer\": \"#### many\"}", "the final answer \"many\" is not a number", "", ""),
        ("{\"question\": 3, \"answer\": \"#### 1\"}", "field \"question\" must be a string, found an integer", "", ""),
        ("{\"question\": 3.5, \"answer\": \"#### 1\"}", "field \"question\" must be a string, found a number", "", ""),
        ("[1, 2]", "expected a JSON object, found an array", "", ""),
        // A key given twice is ambiguous (Foundation's decoder would keep one silently).
        ("{\"question\": \"q\", \"answer\": \"#### 1\", \"question\": \"r\"}", "field \"question\" appears twice", "", ""),
        ("{\"question\": \"q\", \"answer\": \"#### 1\"} x", "not valid JSON at byte 39 of the line: unexpected content after the top-level value", "", ""),
        // The session store cannot hold U+0000 in text (it would end the stored question there).
        ("{\"question\": \"q\\u0000r\", \"answer\": \"#### 1\"}", "the question contains a NUL character (U+0000), which the session store cannot hold", "", ""),
        ("{\"question\": \"q\", \"answer\": \"a\\u0000b\\n#### 1\"}", "the rationale contains a NUL character (U+0000), which the session store cannot hold", "", ""),
    ])
    func gsm8kLines(line: String, problem: String?, answer: String, rationale: String) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let url = try directory.write(line + "\n", to: "g.jsonl")
        let (examples, bad) = try TaskFileReader.read(url: url, displayName: "g.jsonl", format: .gsm8k, fields: nil)
        if let problem {
            #expect(bad == [BadLine(file: "g.jsonl", line: 1, reason: problem)] && examples.isEmpty)
        } else {
            #expect(bad.isEmpty)
            #expect(examples.first?.goldAnswer == answer && examples.first?.goldRationale == rationale)
        }
    }
}
