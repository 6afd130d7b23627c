import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A `collate run` child whose output is read as it comes, on a thread of its own, noting
/// when each stage line (`[0m01s] iteration 1: score`) arrived: a test waits for a stage to
/// begin, then kills the process at a moment of its choosing inside it.
final class StagedProcess {
    struct Seen: Sendable {
        var output = ""
        /// Stage names in the order they began, with the time each line was read.
        var stages: [(name: String, at: ContinuousClock.Instant)] = []
        var ended: ContinuousClock.Instant?
    }

    /// Written by the reader thread, read by the test.
    final class Box: Sendable {
        let mutex = Mutex(Seen())
        func withLock<T>(_ body: (inout Seen) -> T) -> T { mutex.withLock { body(&$0) } }
    }

    private let process: Process
    private let seen = Box()

    init(_ executable: URL, _ arguments: [String], environment: [String: String]) throws {
        let (process, pipe) = try ChildProcess.start(executable, arguments, environment: environment)
        self.process = process
        let handle = pipe.fileHandleForReading
        let seen = self.seen
        Thread.detachNewThread {
            var pending = ""
            while true {
                let chunk = handle.availableData
                let now = ContinuousClock.now
                if chunk.isEmpty {
                    seen.withLock { $0.ended = now }
                    return
                }
                pending += String(decoding: chunk, as: UTF8.self)
                while let newline = pending.firstIndex(of: "\n") {
                    let line = String(pending[..<newline])
                    pending.removeSubrange(...newline)
                    seen.withLock { state in
                        state.output += line + "\n"
                        if let name = Self.stageName(line) { state.stages.append((name, now)) }
                    }
                }
            }
        }
    }

    /// "[0m01s] iteration 1: score" -> "iteration 1: score"; nil for any other line.
    static func stageName(_ line: String) -> String? {
        guard line.hasPrefix("["), let close = line.firstIndex(of: "]") else { return nil }
        let stamp = line[line.index(after: line.startIndex)..<close]
        guard !stamp.isEmpty, stamp.allSatisfy({ $0.isNumber || "hms-".contains($0) }) else { return nil }
        return String(line[line.index(after: close)...].drop { $0 == " " })
    }

    var snapshot: Seen { seen.withLock { $0 } }

    /// Waits until `stage` has begun (true) or the output ended first (false).
    func waitForStage(_ stage: String, timeout: Duration = .seconds(300)) -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let state = snapshot
            if state.stages.contains(where: { $0.name == stage }) { return true }
            if state.ended != nil { return false }
            Thread.sleep(forTimeInterval: 0.001)
        }
        return false
    }

    func send(_ signal: Int32 = SIGKILL) {
        _ = kill(process.processIdentifier, signal)
    }

    /// Waits for the exit and for the reader to see the end; the output, the exit status and
    /// whether a signal ended it.
    func wait() -> (output: String, status: Int32, signalled: Bool) {
        process.waitUntilExit()
        while snapshot.ended == nil { Thread.sleep(forTimeInterval: 0.001) }
        return (snapshot.output, process.terminationStatus, process.terminationReason == .uncaughtSignal)
    }
}
