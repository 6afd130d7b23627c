import Foundation
import Testing
@testable import Collate
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TestSupport

/// Kills the real `collate-toytrain` harness (built beside the test bundle) with signals in the
/// middle of a run, starts it again, and compares its final weights with an uninterrupted run
/// (issue 4, Must hold: bitwise equal with the same seed and threads).
@Suite struct TrainSurvivesKillTests {
    static var executable: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("collate-toytrain")
    }

    static let threads = ["COLLATE_THREADS": "1"]

    func arguments(folder: URL, out: URL, delay: Int) -> [String] {
        ["--folder", folder.path, "--out", out.path, "--pairs", "10", "--steps", "14", "--batch-size", "3",
         "--checkpoint-every", "1", "--step-delay-ms", "\(delay)"]
    }

    /// Runs to the end; the output.
    func runToEnd(_ arguments: [String]) throws -> (status: Int32, output: String) {
        try ChildProcess.run(Self.executable, arguments, environment: Self.threads)
    }

    /// Starts the harness, reads until `line` appears, sends `signal`; what it printed.
    func runAndKill(_ arguments: [String], after line: String, signal: Int32) throws -> String {
        let process = Process()
        process.executableURL = Self.executable
        process.arguments = arguments
        process.environment = Self.threads
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        var seen = ""
        while !seen.contains(line) {
            let chunk = pipe.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen += String(decoding: chunk, as: UTF8.self)
        }
        kill(process.processIdentifier, signal)
        process.waitUntilExit()
        #expect(process.terminationReason == .uncaughtSignal, "\(seen)")
        return seen
    }

    @Test func killedTrainingResumesToTheSameWeights() throws {
        try #require(FileManager.default.isExecutableFile(atPath: Self.executable.path),
                     "build the collate-toytrain harness first (swift build --build-tests)")
        let directory = try TemporaryDirectory()
        defer { directory.remove() }

        let straightOut = directory.url.appendingPathComponent("straight.weights")
        let straight = try runToEnd(arguments(folder: directory.url.appendingPathComponent("straight"),
                                              out: straightOut, delay: 0))
        #expect(straight.status == 0 && straight.output.contains("finished 14"), "\(straight.output)")

        let folder = directory.url.appendingPathComponent("killed")
        let killedOut = directory.url.appendingPathComponent("killed.weights")
        // SIGTERM in the middle of step 4's pause, SIGKILL right after step 9's checkpoint line:
        // with a delay after each checkpoint, the signals land between or inside steps.
        let first = try runAndKill(arguments(folder: folder, out: killedOut, delay: 30), after: "checkpoint 4",
                                   signal: SIGTERM)
        #expect(first.contains("started from step 0 of 14"), "\(first)")
        let second = try runAndKill(arguments(folder: folder, out: killedOut, delay: 30), after: "step 9 ",
                                    signal: SIGKILL)
        #expect(second.contains("started from step 4 of 14") || second.contains("started from step 5 of 14"),
                "\(second)")
        #expect(!FileManager.default.fileExists(atPath: killedOut.path))

        let last = try runToEnd(arguments(folder: folder, out: killedOut, delay: 0))
        #expect(last.status == 0 && last.output.contains("finished 14"), "\(last.output)")
        #expect(last.output.contains("started from step 8 of 14") || last.output.contains("started from step 9 of 14"),
                "\(last.output)")

        let a = try Data(contentsOf: straightOut), b = try Data(contentsOf: killedOut)
        #expect(a.count == (32 * 8 * 2 + 32) * 4)
        #expect(a == b, "the resumed run's weights differ from the uninterrupted run's")

        // One row per step, however often the run was interrupted.
        let store = try SessionStore(url: folder.appendingPathComponent("state.sqlite"))
        #expect(try store.metrics(runID: 1).map(\.step) == Array(1...14))
        #expect(try store.run(id: 1)?.status == .finished)
    }
}
