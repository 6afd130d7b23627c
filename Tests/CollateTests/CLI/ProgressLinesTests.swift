import Foundation
import Testing
@testable import Collate

/// What a rerun says on stderr when an earlier run already did the work (a log, not a
/// terminal: one line per tenth of the way, or one line saying it was done before).
@Suite struct ProgressLinesTests {
    func generate(_ session: Session) throws -> String {
        let process = Process()
        process.executableURL = LabelSurvivesKillTests.executable
        process.arguments = ["generate", "tiny", "--iteration", "1", "--sessions-dir", session.location.sessionsDirectory.path]
        process.environment = ["COLLATE_THREADS": "1"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        #expect(process.terminationStatus == 0)
        return String(decoding: output, as: UTF8.self)
    }

    @Test func aStageDoneInAnEarlierRunSaysSoInOneLine() throws {
        try #require(FileManager.default.isExecutableFile(atPath: LabelSurvivesKillTests.executable.path),
                     "build the collate product first (swift build --build-tests)")
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let session = try TinyLlama.session(in: directory, prompts: 4)
        // Every prompt has both rationales of iteration 1 already.
        let rerun = try generate(session).split(separator: "\n").filter { $0.hasPrefix("generate train") }
        #expect(rerun == ["generate train: 4/4 prompts, done in an earlier run"])

        try session.store.write { db in try db.execute(sql: "DELETE FROM generation WHERE promptId = 4 AND provider = 2") }
        let resumed = try generate(session).split(separator: "\n").filter { $0.hasPrefix("generate train") }
        #expect(resumed.last?.hasPrefix("generate train: 4/4 prompts, ") == true && !resumed.contains { $0.contains("earlier run") },
                "\(resumed)")
    }
}
