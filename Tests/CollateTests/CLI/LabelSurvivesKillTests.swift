import Foundation
import Testing
@testable import Collate
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TestSupport

/// Drives the real `collate` executable (built beside the test bundle by `swift build
/// --build-tests` / `swift test`) as a subprocess.
@Suite struct LabelSurvivesKillTests {
    static var executable: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("collate")
    }

    func run(_ arguments: [String], sessions: URL) throws -> (status: Int32, output: String) {
        try ChildProcess.run(Self.executable, arguments, environment: [SessionLocation.environmentVariable: sessions.path])
    }

    @Test func aLabelShownAsSavedSurvivesKill9() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.executable.path),
                     "build the collate product first (swift build --build-tests)")
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let data = try directory.write("""
            {"question": "1 + 1?", "answer": "One and one.\\n#### 2"}
            {"question": "2 + 2?", "answer": "Two and two.\\n#### 4"}
            {"question": "3 + 3?", "answer": "Three and three.\\n#### 6"}
            """, to: "data/train.jsonl")
        let sessions = directory.url.appendingPathComponent("sessions")
        let initialised = try run(["init", "k", "--train", data.path], sessions: sessions)
        #expect(initialised.status == 0, "\(initialised.output)")
        let manifest = sessions.appendingPathComponent("k/session.toml")
        var text = try String(contentsOf: manifest, encoding: .utf8)
        text = text.replacingOccurrences(of: "validation_size = 500", with: "validation_size = 1")
            .replacingOccurrences(of: "test_fraction = 0.1", with: "test_fraction = 0")
        try Data(text.utf8).write(to: manifest)
        let imported = try run(["import", "k"], sessions: sessions)
        #expect(imported.status == 0 && imported.output.contains("imported 3 prompts"), "\(imported.output)")
        // Both providers' rationales for prompt 2: `label` refuses a pair that was never written.
        do {
            let store = try SessionStore(url: sessions.appendingPathComponent("k/state.sqlite"))
            for provider in 1...2 {
                _ = try store.saveGeneration(GenerationRecord(promptId: 2, iteration: 1, provider: provider,
                                                              text: "rationale \(provider)", tokenCount: 2))
            }
        }

        // Start `label`, read until it says the label is saved, then SIGKILL it at once.
        let process = Process()
        process.executableURL = Self.executable
        process.arguments = ["label", "k", "--prompt", "2", "--chosen", "2", "--rejected", "1", "--note", "kill me"]
        process.environment = [SessionLocation.environmentVariable: sessions.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        var seen = ""
        while !seen.contains("saved label") {
            let chunk = pipe.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen += String(decoding: chunk, as: UTF8.self)
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        #expect(seen.contains("saved label 1: prompt 2"), "\(seen)")

        let store = try SessionStore(url: sessions.appendingPathComponent("k/state.sqlite"))
        let label = try #require(try store.effectiveLabel(promptID: 2, iteration: 1))
        #expect(label.source == .human && label.chosenProvider == 2 && label.rejectedProvider == 1)
        #expect(label.note == "kill me")

        // The CLI is idempotent: the same label again writes nothing; status counts it once.
        let again = try run(["label", "k", "--prompt", "2", "--chosen", "2", "--rejected", "1", "--note", "kill me"],
                            sessions: sessions)
        #expect(again.status == 0 && again.output.hasPrefix("unchanged"), "\(again.output)")
        let status = try run(["status", "k"], sessions: sessions)
        #expect(status.output.contains("prompts: 2 train, 1 validation, 0 test"), "\(status.output)")
        #expect(status.output.contains("human labels: 1 chosen"), "\(status.output)")
        let bad = try run(["label", "k", "--prompt", "2", "--chosen", "3", "--rejected", "1"], sessions: sessions)
        #expect(bad.status != 0 && bad.output.contains("provider 3 is not in 1...2"), "\(bad.output)")
    }
}
