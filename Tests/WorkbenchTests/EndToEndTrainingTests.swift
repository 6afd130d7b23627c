import Collate
import Foundation
import Testing

/// The built `collate` binary training a tiny model through tmux: the chart moves while DPO
/// runs in the background, and a key is answered meanwhile.
@Suite(.serialized) struct EndToEndTrainingTests {
    /// The step counter of the Train screen ("step 12"), nil before the first step.
    static func step(_ screen: String) -> Int? {
        guard let regex = try? Regex<(Substring, Substring)>(#"step (\d+) "#),
              let match = screen.firstMatch(of: regex) else { return nil }
        return Int(match.output.1)
    }

    @Test(.enabled(if: Tmux.executable != nil, "tmux is not installed: the tmux end-to-end test is SKIPPED"))
    func dpoStepsMoveTheChartAndKeysAreAnsweredMeanwhile() throws {
        let binary = EndToEndTests.binary
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw Tmux.Failed(description: "no \(binary): build it first (swift build --product collate)")
        }
        let tiny = try TinyModelSession()
        defer { tiny.remove() }
        let tmux = Tmux()
        defer { tmux.kill() }
        try tmux.start("\(binary) open tiny --sessions-dir \(tiny.session.location.sessionsDirectory.path)")
        try tmux.waitFor("the Compare screen") { $0.contains("RP1") && $0.contains("RP2") }

        // Enough steps to still be training when the key comes.
        try tmux.send(":")
        try tmux.send("-l", "train 500")
        try tmux.send("Enter")
        let first = try tmux.waitFor("a first DPO step", timeout: 60) { ($0.contains("running") && Self.step($0) != nil) }
        let firstStep = try #require(Self.step(first))
        let later = try tmux.waitFor("the chart to move", timeout: 60) { (Self.step($0) ?? 0) > firstStep + 1 }
        #expect(later.contains("loss"), "\(later)")

        // C shows Compare while training goes on.
        let start = Date()
        try tmux.send("C")
        let compare = try tmux.waitFor("the Compare screen during training", timeout: 5) { $0.contains("RP1") }
        let latency = Date().timeIntervalSince(start) * 1000
        print("key answer latency while training, through tmux (ms): \(Int(latency.rounded()))")
        #expect(latency < 200, "the key took \(latency) ms")
        #expect(compare.contains("train "), "the status bar shows the running job: \(compare)")

        try tmux.send("q")
        try tmux.waitFor("the question before quitting a running job", timeout: 5) { $0.contains("q again stops it") }
        try tmux.send("q")
        try tmux.waitUntilExited(timeout: 30)
        let run = try #require(try tiny.runs()[1])
        #expect(try tiny.session.store.metrics(runID: try #require(run.id)).count >= firstStep + 2)
    }
}
