import Foundation
import Testing
@testable import Collate
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import TestSupport

/// Issue 23: one writing stage at a time per session, and the second one says who holds it.
@Suite struct SessionLockTests {
    func location(_ directory: TemporaryDirectory) throws -> SessionLocation {
        let location = try SessionLocation(name: "demo", sessionsDirectory: directory.url)
        try FileManager.default.createDirectory(at: location.folder, withIntermediateDirectories: true)
        return location
    }

    @Test func aSecondLockIsRefusedNamingTheHolderUntilReleased() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let location = try location(directory)
        let first = try SessionLock(session: location, holder: "collate train demo")
        let error = try #require(throws: SessionLockError.self) {
            _ = try SessionLock(session: location, holder: "collate train demo --iteration 2")
        }
        guard case .held(let session, let path, let holder) = error else {
            Issue.record("not a held-lock error: \(error)")
            return
        }
        #expect(session == "demo" && path.hasSuffix("demo/session.lock"))
        #expect(holder?.hasPrefix("pid \(getpid()) (collate train demo) since ") == true, "\(holder ?? "nil")")
        #expect(error.description.contains("session demo is busy: pid \(getpid()) (collate train demo)"))
        first.release()
        let second = try SessionLock(session: location, holder: "collate train demo --iteration 2")
        second.release()
    }

    /// A lock held by another process (util-linux `flock`, the same flock(2)) refuses ours;
    /// once that process is killed the kernel drops it and ours is granted: no stale lock.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/flock")))
    func anotherProcessesLockRefusesOursAndDiesWithIt() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let location = try location(directory)
        let ready = directory.url.appendingPathComponent("ready")
        let holder = Process()
        // sh opens the file as fd 9, flock(1) locks that open file, sh becomes sleep keeping
        // fd 9: the process holding the lock is the one killed below.
        holder.executableURL = URL(fileURLWithPath: "/bin/sh")
        let lockPath = location.folder.appendingPathComponent(SessionLock.fileName).path
        holder.arguments = ["-c", "exec 9>'\(lockPath)'; /usr/bin/flock 9; touch '\(ready.path)'; exec sleep 30"]
        try holder.run()
        let deadline = Date().addingTimeInterval(10)
        while !FileManager.default.fileExists(atPath: ready.path), Date() < deadline { usleep(10_000) }
        #expect(throws: SessionLockError.self) { _ = try SessionLock(session: location, holder: "collate run demo") }
        kill(holder.processIdentifier, SIGKILL)
        holder.waitUntilExit()
        let ours = try SessionLock(session: location, holder: "collate run demo")
        ours.release()
    }

    /// The product: a second `collate train` on a session whose first one is running fails at
    /// once, naming the first one's pid and command, and does not train.
    @Test func aSecondCollateTrainFailsNamingTheFirst() throws {
        try #require(FileManager.default.isExecutableFile(atPath: LabelSurvivesKillTests.executable.path),
                     "build the collate product first (swift build --build-tests)")
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let settings = "learning_rate = 0.01\nepochs = 1\nmax_steps = 400\nbatch_size = 2\ncheckpoint_every = 1000"
        let session = try TinyLlama.session(in: directory, prompts: 6, dpo: settings)
        let sessions = session.location.sessionsDirectory
        let environment = ["COLLATE_THREADS": "1", SessionLocation.environmentVariable: sessions.path]
        let first = Process()
        first.executableURL = LabelSurvivesKillTests.executable
        first.arguments = ["train", "tiny", "--provider", "1", "--fresh-adapter"]
        first.environment = environment
        let pipe = Pipe()
        first.standardOutput = pipe
        first.standardError = pipe
        try first.run()
        defer { if first.isRunning { kill(first.processIdentifier, SIGKILL); first.waitUntilExit() } }
        var seen = ""
        while !seen.contains("step 1/") {
            let chunk = pipe.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen += String(decoding: chunk, as: UTF8.self)
        }
        #expect(seen.contains("step 1/"), "\(seen)")
        let second = try ChildProcess.run(LabelSurvivesKillTests.executable,
                                          ["train", "tiny", "--provider", "1", "--fresh-adapter"], environment: environment)
        #expect(second.status != 0)
        #expect(second.output.contains("session tiny is busy: pid \(first.processIdentifier) (collate train tiny"),
                "\(second.output)")
        #expect(!second.output.contains("step 1/"), "the second one trained: \(second.output)")
    }
}
