import Collate
import Foundation
import Testing

/// Issue 23, through tmux as a person sees it: a `collate label` run while the workbench is
/// open shows up in it, and `1` then `u` there gives back the command line's label.
@Suite(.serialized) struct SharedStoreEndToEndTests {
    @Test(.enabled(if: Tmux.executable != nil, "tmux is not installed: SKIPPED"))
    func aCommandLineLabelAppearsAndSurvivesAnUndoThere() throws {
        let binary = EndToEndTests.binary
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw Tmux.Failed(description: "no \(binary): build it first")
        }
        let fixture = try TemporarySession()
        defer { fixture.remove() }
        let sessions = fixture.sessionsDirectory.path
        let tmux = Tmux()
        defer { tmux.kill() }
        try tmux.start("\(binary) open demo --no-generate --sessions-dir \(sessions)")
        try tmux.waitFor("the Compare screen") { $0.contains("RP1") && $0.contains("human 0/5") }

        let id = String(fixture.trainIDs[0])
        let labelled = try Spawn.run(binary, ["label", "demo", "--prompt", id, "--chosen", "2", "--rejected", "1",
                                              "--sessions-dir", sessions])
        #expect(labelled.status == 0, "\(labelled.output)")
        // Seen on the idle poll (1 s), with no key pressed.
        try tmux.waitFor("the command line's label", timeout: 5) { $0.contains("human: RP2 > RP1") && $0.contains("human 1/5") }

        try tmux.send("1")
        try tmux.waitFor("the overruling label") { $0.contains("label saved: RP1 > RP2") }
        try tmux.send("u")
        try tmux.waitFor("the undo") { $0.contains("RP1 > RP2 (now: RP2 > RP1)") }
        try tmux.send("q")
        try tmux.waitUntilExited()

        let store = try SessionStore(url: fixture.session.location.store)
        let label = try #require(try store.humanLabel(promptID: fixture.trainIDs[0], iteration: 1))
        #expect(label.chosenProvider == 2 && label.rejectedProvider == 1)
        #expect(try store.labelsInForce(iteration: 1).human.count == 1)
    }
}
