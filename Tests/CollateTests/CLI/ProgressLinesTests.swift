import Foundation
import Testing
@testable import Collate
import TestSupport

/// What a rerun says on stderr when an earlier run already did the work (a log, not a
/// terminal: one line per tenth of the way, or one line saying it was done before).
@Suite struct ProgressLinesTests {
    func generate(_ session: Session) throws -> String {
        let run = try ChildProcess.run(
            LabelSurvivesKillTests.executable,
            ["generate", "tiny", "--iteration", "1", "--sessions-dir", session.location.sessionsDirectory.path],
            environment: ["COLLATE_THREADS": "1"])
        #expect(run.status == 0, "\(run.output)")
        return run.output
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
