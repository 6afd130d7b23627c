import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Issue 23: the workbench under signals, through tmux. A hang-up or quit restores the
/// terminal (cooked mode, echo) before the process dies, with no backtrace on the screen; a
/// stop gives the terminal back and a continue redraws the workbench.
@Suite(.serialized) struct SignalEndToEndTests {
    static func waitForFile(_ url: URL, timeout: Double = 20) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let text = try? String(contentsOf: url, encoding: .utf8), !text.isEmpty { return text }
            Thread.sleep(forTimeInterval: 0.02)
        }
        throw Tmux.Failed(description: "timed out waiting for \(url.path)")
    }

    /// Runs the workbench in the background of a shell inside tmux (the shell waits, then
    /// records the terminal's modes once the workbench is gone). Returns the pid file and
    /// the file `stty -a` is written to.
    func start(_ tmux: Tmux, fixture: TemporarySession, scratch: URL) throws -> (pid: Int32, stty: URL) {
        let binary = EndToEndTests.binary
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw Tmux.Failed(description: "no \(binary): build it first")
        }
        let pidFile = scratch.appendingPathComponent("pid"), sttyFile = scratch.appendingPathComponent("stty")
        let script = "\(binary) open demo --no-generate --sessions-dir \(fixture.sessionsDirectory.path) < /dev/tty & "
            + "echo $! > \(pidFile.path); wait; stty -a > \(sttyFile.path); sleep 30"
        try tmux.start("sh -c '\(script)'")
        let pid = try #require(Int32(try Self.waitForFile(pidFile).trimmingCharacters(in: .whitespacesAndNewlines)))
        try tmux.waitFor("the Compare screen") { $0.contains("RP1") && $0.contains("RP2") }
        return (pid, sttyFile)
    }

    static func scratch() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("collate-signal-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test(.enabled(if: Tmux.executable != nil, "tmux is not installed: SKIPPED"), arguments: [SIGHUP, SIGQUIT])
    func aHangUpOrQuitRestoresTheTerminal(_ signal: Int32) throws {
        let fixture = try TemporarySession()
        defer { fixture.remove() }
        let scratch = try Self.scratch()
        defer { try? FileManager.default.removeItem(at: scratch) }
        let tmux = Tmux()
        defer { tmux.kill() }
        let (pid, sttyFile) = try start(tmux, fixture: fixture, scratch: scratch)
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        kill(pid, signal)
        let modes: String
        do { modes = try Self.waitForFile(sttyFile) } catch {
            Issue.record("\(error); before the signal: \(status.split(separator: "\n").filter { $0.hasPrefix("Sig") || $0.hasPrefix("State") })")
            return
        }
        let words = Set(modes.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == ";" }).map(String.init))
        #expect(words.contains("icanon") && words.contains("echo") && words.contains("isig"),
                "the terminal was left raw: \(modes)")
        let screen = try tmux.screen()
        #expect(!screen.contains("Backtrace") && !screen.contains("Fatal error") && !screen.contains("Crash"), "\(screen)")
    }

    /// As at a real prompt: an interactive shell with job control runs the workbench in the
    /// foreground, a SIGTSTP stops it (the shell reports it and the terminal is cooked
    /// again), and `fg` continues it: the workbench redraws and answers keys. (Run in the
    /// background of a non-interactive shell instead, its process group would be orphaned
    /// and the kernel discards a stop.)
    @Test(.enabled(if: Tmux.executable != nil && FileManager.default.isExecutableFile(atPath: "/bin/sh"),
                   "tmux is not installed: SKIPPED"))
    func aStopGivesTheTerminalBackAndFgRedraws() throws {
        let binary = EndToEndTests.binary
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw Tmux.Failed(description: "no \(binary): build it first")
        }
        let fixture = try TemporarySession()
        defer { fixture.remove() }
        let tmux = Tmux()
        defer { tmux.kill() }
        try tmux.start("/bin/sh -i", environment: ["PS1": "ready$ "])
        try tmux.waitFor("the shell prompt") { $0.contains("ready$") }
        let shell = try tmux.run(["display-message", "-p", "-t", tmux.session, "#{pane_pid}"])
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let paneTTY = try tmux.run(["display-message", "-p", "-t", tmux.session, "#{pane_tty}"])
            .trimmingCharacters(in: .whitespacesAndNewlines)
        try tmux.send("\(binary) open demo --no-generate --sessions-dir \(fixture.sessionsDirectory.path)", "Enter")
        try tmux.waitFor("the Compare screen") { $0.contains("RP1") && $0.contains("RP2") }
        let children = try String(contentsOfFile: "/proc/\(shell)/task/\(shell)/children", encoding: .utf8)
        let pid = try #require(children.split(separator: " ").compactMap { Int32($0) }.first)

        kill(pid, SIGTSTP)
        try tmux.waitFor("the shell reporting the stop") { $0.contains("Stopped") && !$0.contains("RP2") }
        let modes = try Spawn.run("/bin/stty", ["-a", "-F", paneTTY]).output
        #expect(modes.contains(" icanon") && modes.contains(" echo "), "raw while stopped: \(modes)")

        try tmux.send("fg", "Enter")
        try tmux.waitFor("the workbench redrawn") { $0.contains("RP1") && $0.contains("RP2") && !$0.contains("Stopped") }
        try tmux.send("x")
        try tmux.waitFor("keys answered after the resume") { $0.contains("label saved: dropped") }
        try tmux.send("q")
        try tmux.waitFor("the shell prompt again") { $0.contains("ready$") && !$0.contains("RP2") }
    }
}
