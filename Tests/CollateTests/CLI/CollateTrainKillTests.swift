import Foundation
import Testing
@testable import Collate
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TestSupport

/// Issue 4, Must hold, with the product itself: `collate train` on a tiny Llama session,
/// SIGKILLed mid-run and started again, saves an adapter bitwise equal to an uninterrupted run's.
@Suite struct CollateTrainKillTests {
    static let environment = ["COLLATE_THREADS": "1"]

    func process(_ arguments: [String], sessions: URL) -> (Process, Pipe) {
        let process = Process()
        process.executableURL = LabelSurvivesKillTests.executable
        process.arguments = arguments
        process.environment = Self.environment.merging([SessionLocation.environmentVariable: sessions.path]) { $1 }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        return (process, pipe)
    }

    func runToEnd(_ arguments: [String], sessions: URL) throws -> (status: Int32, output: String) {
        try ChildProcess.run(LabelSurvivesKillTests.executable, arguments,
                             environment: Self.environment.merging([SessionLocation.environmentVariable: sessions.path]) { $1 })
    }

    @Test func killedTrainSavesTheSameAdapterAsAnUninterruptedOne() throws {
        try #require(FileManager.default.isExecutableFile(atPath: LabelSurvivesKillTests.executable.path),
                     "build the collate product first (swift build --build-tests)")
        let settings = "learning_rate = 0.01\nepochs = 1\nmax_steps = 24\nbatch_size = 2\ncheckpoint_every = 1"
        let arguments = ["train", "tiny", "--provider", "1", "--fresh-adapter"]
        let straightDirectory = try TemporaryDirectory(), killedDirectory = try TemporaryDirectory()
        defer { straightDirectory.remove(); killedDirectory.remove() }
        let straight = try TinyLlama.session(in: straightDirectory, prompts: 6, dpo: settings)
        let killed = try TinyLlama.session(in: killedDirectory, prompts: 6, dpo: settings)

        let uninterrupted = try runToEnd(arguments, sessions: straight.location.sessionsDirectory)
        #expect(uninterrupted.status == 0 && uninterrupted.output.contains("24 steps on 6 pairs done"), "\(uninterrupted.output)")

        let (first, pipe) = process(arguments, sessions: killed.location.sessionsDirectory)
        try first.run()
        var seen = ""
        while !seen.contains("step 3/24 loss") {
            let chunk = pipe.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen += String(decoding: chunk, as: UTF8.self)
        }
        kill(first.processIdentifier, SIGKILL)
        first.waitUntilExit()
        #expect(first.terminationReason == .uncaughtSignal, "\(seen)")
        let adapter = ProviderAdapters.directory(killed.location, iteration: 1, provider: 1)
        #expect(!FileManager.default.fileExists(atPath: adapter.path))

        let resumed = try runToEnd(arguments, sessions: killed.location.sessionsDirectory)
        #expect(resumed.status == 0 && resumed.output.contains("resumed at step"), "\(resumed.output)")
        #expect(!resumed.output.contains("reference log-probs computed for 6"), "the reference was computed again")

        let weights = "adapter_model.safetensors"
        let a = try Data(contentsOf: ProviderAdapters.directory(straight.location, iteration: 1, provider: 1)
            .appendingPathComponent(weights))
        let b = try Data(contentsOf: adapter.appendingPathComponent(weights))
        #expect(a == b, "the resumed adapter differs from the uninterrupted one")
        #expect(try killed.store.metrics(runID: 1).map(\.step) == Array(1...24))
    }
}
