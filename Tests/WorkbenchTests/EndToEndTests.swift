import Collate
import Foundation
import Testing

/// The built `collate` binary (.build/debug/collate) on a temporary session: through tmux
/// as a person would use it, and through pipes for the errors a script would see.
@Suite(.serialized) struct EndToEndTests {
    static let repository = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static let binary = repository.appendingPathComponent(".build/debug/collate").path

    func requireBinary() throws -> String {
        guard FileManager.default.isExecutableFile(atPath: Self.binary) else {
            throw Tmux.Failed(description: "no \(Self.binary): build it first (swift build --product collate)")
        }
        return Self.binary
    }

    @Test(.enabled(if: Tmux.executable != nil, "tmux is not installed: the tmux end-to-end test is SKIPPED"))
    func labelTwoPromptsQuitReopenAndKeysAnswerFast() throws {
        let binary = try requireBinary()
        let fixture = try TemporarySession()
        defer { fixture.remove() }
        let command = "\(binary) open demo --sessions-dir \(fixture.sessionsDirectory.path)"
        let tmux = Tmux()
        defer { tmux.kill() }
        try tmux.start(command)
        try tmux.waitFor("the Compare screen") { $0.contains("RP1") && $0.contains("RP2") }

        try tmux.send("2")
        try tmux.waitFor("the first label") { $0.contains("label saved: RP2 > RP1") }
        try tmux.send("j")
        try tmux.send("x")
        let labelled = try tmux.waitFor("the second label") { $0.contains("label saved: dropped") }
        // Both prompts now carry the "human overrode auto" glyph in the list.
        #expect(labelled.filter { $0 == "≠" }.count >= 2, "\(labelled)")

        // Key answer latency: from send-keys to a changed screen (no job can run yet: no model).
        var latencies: [Double] = []
        for key in ["k", "j", "k", "j", "k", "j"] {
            let before = try tmux.screen()
            let start = Date()
            try tmux.send(key)
            try tmux.waitFor("the screen to answer \(key)", timeout: 5) { $0 != before }
            latencies.append(Date().timeIntervalSince(start) * 1000)
        }
        let median = latencies.sorted()[latencies.count / 2]
        print("key answer latency through tmux (ms): \(latencies.map { Int($0.rounded()) }), median \(Int(median))")
        #expect(median < 200, "median key latency \(median) ms")

        try tmux.send("q")
        try tmux.waitUntilExited()

        // The labels are in the store: a new connection reads them.
        let store = try SessionStore(url: fixture.session.location.store)
        let first = try #require(try store.humanLabel(promptID: fixture.trainIDs[0], iteration: 1))
        #expect(first.chosenProvider == 2 && first.rejectedProvider == 1)
        #expect(try store.humanLabel(promptID: fixture.trainIDs[1], iteration: 1)?.action == .dropped)

        // Reopened, the workbench shows them.
        let again = Tmux()
        defer { again.kill() }
        try again.start(command)
        let reopened = try again.waitFor("the reopened session") { $0.contains("RP1") }
        #expect(reopened.filter { $0 == "≠" }.count >= 2, "\(reopened)")
        #expect(reopened.contains("human:"), "\(reopened)")
        try again.send("q")
        try again.waitUntilExited()
    }

    @Test(.enabled(if: Tmux.executable != nil, "tmux is not installed: the tmux end-to-end test is SKIPPED"))
    func aSessionNotImportedYetIsImportedWhenOpened() throws {
        let binary = try requireBinary()
        let fixture = try TemporarySession(populate: false)
        defer { fixture.remove() }
        let tmux = Tmux()
        defer { tmux.kill() }
        // `collate` alone opens "demo"; the sessions directory comes from the environment; an
        // unknown theme falls back to dark with a notice.
        try tmux.start(binary + " --theme nosuch", environment: ["COLLATE_SESSIONS_DIR": fixture.sessionsDirectory.path])
        // Wait for both: the notice and the prompts may reach the screen in different frames.
        let screen = try tmux.waitFor("the imported prompts and the theme notice") {
            ($0.contains("Natalia") || $0.contains("Weng")) && $0.contains("no theme named nosuch; using dark")
        }
        #expect(screen.contains("no theme named nosuch; using dark"), "\(screen)")
        #expect(try fixture.session.store.prompts().count == 5)
        try tmux.send("q")
        try tmux.waitUntilExited()
    }

    /// A newcomer's first open of the bundled demo (a copy of sessions/demo without any
    /// state) imports it and shows the providers writing rationales within a minute, with no
    /// key pressed.
    @Test(.enabled(if: Tmux.executable != nil, "tmux is not installed: the tmux end-to-end test is SKIPPED"))
    func theFirstOpenOfTheDemoShowsRationalesWithinAMinute() throws {
        let binary = try requireBinary()
        let files = FileManager.default
        let sessions = files.temporaryDirectory
            .appendingPathComponent("collate-first-open-\(ProcessInfo.processInfo.processIdentifier)", isDirectory: true)
        try? files.removeItem(at: sessions)
        defer { try? files.removeItem(at: sessions) }
        let demo = sessions.appendingPathComponent("demo", isDirectory: true)
        try files.createDirectory(at: demo, withIntermediateDirectories: true)
        let shipped = Self.repository.appendingPathComponent("sessions/demo", isDirectory: true)
        for item in ["session.toml", "data", "model"] {
            try files.copyItem(at: shipped.appendingPathComponent(item), to: demo.appendingPathComponent(item))
        }
        let tmux = Tmux()
        defer { tmux.kill() }
        let started = Date()
        try tmux.start("\(binary) open demo --sessions-dir \(sessions.path)")
        // A step of a rationale ("5 * 8 = 40"): questions never hold one.
        let screen = try tmux.waitFor("a rationale on the first open", timeout: 60) {
            $0.contains("RP1") && $0.range(of: #"\d+ [-+*/] \d+ = \d+"#, options: .regularExpression) != nil
        }
        #expect(Date().timeIntervalSince(started) < 60, "\(screen)")
        // Generation is still running: q asks first, a second q quits.
        try tmux.send("q")
        try tmux.waitFor("the question before quitting a running job", timeout: 5) { $0.contains("q again stops it") }
        try tmux.send("q")
        try tmux.waitUntilExited()
    }

    /// What a script sees: a clear message and a non-zero exit, never a crash.
    @Test(.enabled(if: Tmux.executable != nil, "tmux is not installed: the tmux end-to-end test is SKIPPED"))
    func aShippedThemeOpensWithoutANotice() throws {
        let binary = try requireBinary()
        let fixture = try TemporarySession()
        defer { fixture.remove() }
        let tmux = Tmux()
        defer { tmux.kill() }
        try tmux.start("\(binary) open demo --theme light --sessions-dir \(fixture.sessionsDirectory.path)")
        let screen = try tmux.waitFor("the Compare screen") { $0.contains("RP1") }
        #expect(!screen.contains("using dark"), "the repository's themes/ was not found: \(screen)")
        try tmux.send("q")
        try tmux.waitUntilExited()
    }

    @Test func errorsNameTheProblemAndExitNonZero() throws {
        let binary = try requireBinary()
        let fixture = try TemporarySession()
        defer { fixture.remove() }
        let sessions = fixture.sessionsDirectory.path

        let missing = try Self.run(binary, ["open", "nosuch", "--sessions-dir", sessions])
        #expect(missing.status != 0)
        #expect(missing.output.contains("no session at \(sessions)/nosuch/session.toml"), "\(missing.output)")

        let notATerminal = try Self.run(binary, ["open", "demo", "--sessions-dir", sessions])
        #expect(notATerminal.status != 0)
        #expect(notATerminal.output.contains("needs a terminal"), "\(notATerminal.output)")

        // A stage run too early says what to run first, without the usage text of a mistyped command.
        let fresh = fixture.sessionsDirectory.appendingPathComponent("fresh", isDirectory: true)
        try FileManager.default.createDirectory(at: fresh, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: fixture.session.location.manifest, to: fresh.appendingPathComponent("session.toml"))
        let early = try Self.run(binary, ["pairs", "fresh", "--sessions-dir", sessions])
        #expect(early.status != 0)
        #expect(early.output.contains("no scores yet: run the score stage first"), "\(early.output)")
        #expect(!early.output.contains("Usage:"), "\(early.output)")
        let untrained = try Self.run(binary, ["train", "fresh", "--sessions-dir", sessions])
        #expect(untrained.status != 0)
        #expect(untrained.output.contains("no pairs in iteration 1 yet: run the pairs stage first"), "\(untrained.output)")
        #expect(!untrained.output.contains("Usage:"), "\(untrained.output)")

        let manifest = fixture.session.location.manifest
        let text = try String(contentsOf: manifest, encoding: .utf8)
        try Data(text.replacingOccurrences(of: "[loop]", with: "[loop]\nspeed = 3").utf8).write(to: manifest)
        let broken = try Self.run(binary, ["open", "demo", "--sessions-dir", sessions])
        #expect(broken.status != 0)
        #expect(broken.output.contains("session.toml") && broken.output.contains("speed"), "\(broken.output)")
        #expect(!broken.output.contains("Fatal error"))
    }

    static func run(_ binary: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        try Spawn.run(binary, arguments)
    }
}
