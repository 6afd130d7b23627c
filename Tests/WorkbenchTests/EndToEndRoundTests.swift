import Collate
import Foundation
import Testing

/// The built `collate` binary through tmux, one round on a tiny model: train, the title moves
/// to round 2, `e` evaluates the adapters just trained (store iteration 2, shown as round 1),
/// a second `t` says what comes first and keeps the charts, and a reopened workbench shows
/// the stored evaluation.
@Suite(.serialized) struct EndToEndRoundTests {
    @Test(.enabled(if: Tmux.executable != nil, "tmux is not installed: the tmux end-to-end test is SKIPPED"))
    func trainThenEvalThenSecondTrainThenReopen() throws {
        let binary = EndToEndTests.binary
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw Tmux.Failed(description: "no \(binary): build it first (swift build --product collate)")
        }
        let tiny = try TinyModelSession()
        defer { tiny.remove() }
        let command = "\(binary) open tiny --sessions-dir \(tiny.session.location.sessionsDirectory.path)"
        let tmux = Tmux()
        defer { tmux.kill() }
        try tmux.start(command)
        try tmux.waitFor("the Compare screen of round 1") { $0.contains("RP1") && $0.contains("tiny · round 1") }

        try tmux.send(":")
        try tmux.send("-l", "train 3")
        try tmux.send("Enter")
        try tmux.waitFor("round 2 after training", timeout: 120) { $0.contains("tiny · round 2") }
        for provider in 1...2 { #expect(ProviderAdapters.exists(tiny.session.location, iteration: 1, provider: provider)) }

        try tmux.send("e")
        try tmux.waitFor("eval finished", timeout: 120) { $0.contains("eval finished") }
        #expect(try !tiny.session.store.evaluation(iteration: 2).isEmpty, "the trained adapters are evaluated")
        #expect(try tiny.session.store.evaluation(iteration: 1).isEmpty, "not the untrained providers")
        try tmux.send("E")
        let eval = try tmux.waitFor("the Eval screen's row of round 1", timeout: 5) {
            $0.contains("Test accuracy per round") && Self.hasRoundRow(1, $0)
        }
        #expect(!eval.contains("no evaluation yet"), "\(eval)")

        try tmux.send("t")
        try tmux.waitFor("the second t's answer", timeout: 30) { $0.contains("round 2 has no rationales yet") }
        try tmux.send("T")
        let train = try tmux.waitFor("the Train screen", timeout: 5) { $0.contains("rewards/margins") }
        #expect(!train.contains("no steps yet"), "round 1's charts stay: \(train)")

        try tmux.send("q")
        try tmux.waitUntilExited(timeout: 30)

        // Reopened: round 2, and the Eval screen has the stored row.
        let again = Tmux()
        defer { again.kill() }
        try again.start(command)
        try again.waitFor("the reopened workbench at round 2") { $0.contains("tiny · round 2") }
        try again.send("E")
        try again.waitFor("the stored row on the Eval screen", timeout: 5) {
            $0.contains("Test accuracy per round") && Self.hasRoundRow(1, $0)
        }
        try again.send("q")
        try again.waitUntilExited(timeout: 30)
    }

    /// A table row of the Eval screen: the round number, then a percentage.
    static func hasRoundRow(_ round: Int, _ screen: String) -> Bool {
        guard let regex = try? Regex(#"│\s*"# + "\(round)" + #"\s+\d+\.\d%"#) else { return false }
        return screen.contains(regex)
    }
}
