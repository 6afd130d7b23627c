import Foundation
import Testing

/// Through tmux on a fresh copy of the bundled demo (whose first open starts generating):
/// stop the running generate with S, jump to the last prompt, search and go to the next
/// match, and quit without being asked (no job runs any more).
@Suite(.serialized) struct EndToEndJobsTests {
    @Test(.enabled(if: Tmux.executable != nil, "tmux is not installed: the tmux end-to-end test is SKIPPED"))
    func stopAGenerateThenJumpAndSearchNext() throws {
        let binary = EndToEndTests.binary
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw Tmux.Failed(description: "no \(binary): build it first (swift build --product collate)")
        }
        let files = FileManager.default
        let sessions = files.temporaryDirectory
            .appendingPathComponent("collate-jobs-\(ProcessInfo.processInfo.processIdentifier)", isDirectory: true)
        try? files.removeItem(at: sessions)
        defer { try? files.removeItem(at: sessions) }
        let demo = sessions.appendingPathComponent("demo", isDirectory: true)
        try files.createDirectory(at: demo, withIntermediateDirectories: true)
        let shipped = EndToEndTests.repository.appendingPathComponent("sessions/demo", isDirectory: true)
        for item in ["session.toml", "data", "model"] {
            try files.copyItem(at: shipped.appendingPathComponent(item), to: demo.appendingPathComponent(item))
        }
        let tmux = Tmux()
        defer { tmux.kill() }
        try tmux.start("\(binary) open demo --sessions-dir \(sessions.path)")
        try tmux.waitFor("generate running", timeout: 60) { $0.contains("generate ") && $0.contains("RP1") }
        try tmux.send("S")
        let stopped = try tmux.waitFor("generate stopped", timeout: 30) { $0.contains("generate stopped") }
        #expect(!stopped.contains("generate 0/"), "\(stopped)")

        // Jump to the end of the list, then search the questions and go to the next match.
        try tmux.send("End")
        try tmux.waitFor("the last prompt", timeout: 5) { $0.contains("Prompts 4600/4600") }
        try tmux.send("/")
        try tmux.send("-l", "apples")
        try tmux.send("Enter")
        let first = try tmux.waitFor("a match", timeout: 5) { $0.contains("match 1 of") }
        try tmux.send("]")
        let second = try tmux.waitFor("the next match", timeout: 5) { $0.contains("match 2 of") && $0.contains("(] next, [ previous)") }
        #expect(first != second)

        try tmux.send("q")
        try tmux.waitUntilExited()
    }
}
