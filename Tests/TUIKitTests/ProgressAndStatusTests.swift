import Testing
@testable import TUIKit

@Suite struct ProgressBarTests {
    @Test func rateAndEtaFromElapsedTime() {
        let progress = Progress(done: 25, total: 100, elapsedSeconds: 10)
        #expect(progress.fraction == 0.25)
        #expect(progress.rate == 2.5)
        #expect(progress.etaSeconds == 30)   // 75 left at 2.5/s
    }

    @Test func etaEdgeCases() {
        #expect(Progress(done: 0, total: 100, elapsedSeconds: 5).etaSeconds == nil)   // no rate yet
        #expect(Progress(done: 3, total: 100, elapsedSeconds: 0).rate == nil)
        #expect(Progress(done: 100, total: 100, elapsedSeconds: 8).etaSeconds == 0)
        #expect(Progress(done: 150, total: 100, elapsedSeconds: 8).fraction == 1)
        #expect(Progress(done: 5, total: 0, elapsedSeconds: 8).fraction == 0)
        #expect(Progress(done: 40, total: 1000, elapsedSeconds: 16).etaSeconds == 384)  // 960 / 2.5
    }

    @Test(arguments: [(0.0, "0:00"), (0.2, "0:01"), (59.2, "1:00"), (61, "1:01"), (384, "6:24"),
                      (3599, "59:59"), (3725, "1:02:05"), (-1, "--:--"), (.infinity, "--:--")])
    func durations(seconds: Double, expected: String) {
        #expect(Progress.formatDuration(seconds) == expected)
    }

    @Test(arguments: [(0.0, 4, "    "), (0.5, 4, "██  "), (0.3, 4, "█▏  "), (1.0, 3, "███"), (0.99, 1, "▉"), (0.5, 0, "")])
    func barsHaveEighthCellPrecision(fraction: Double, width: Int, expected: String) {
        #expect(ProgressBar.barText(fraction: fraction, width: width) == expected)
    }

    @Test func rendersBarThenCountsRateAndEta() {
        let bar = ProgressBar(Progress(done: 25, total: 100, elapsedSeconds: 10))
        #expect(bar.label == "25/100  2.5 it/s  ETA 0:30")
        expectLines(renderLines(bar, width: 40, height: 1), ["███▎········· 25/100  2.5 it/s  ETA 0:30"])
    }

    @Test func narrowAreaDropsTheLabel() {
        let bar = ProgressBar(Progress(done: 1, total: 2, elapsedSeconds: 1), unit: "step")
        expectLines(renderLines(bar, width: 6, height: 1), ["███···"])
        #expect(renderLines(bar, width: 0, height: 0) == [])
        #expect(renderLines(bar, width: 1, height: 1) == ["▌"])
    }

    @Test func unknownRateShowsDashes() {
        #expect(ProgressBar(Progress(done: 0, total: 10, elapsedSeconds: 0), unit: "tok").label == "0/10  - tok/s  ETA --:--")
    }
}

@Suite struct StatusBarTests {
    let hints = [KeyHint("q", "quit"), KeyHint("?", "help"), KeyHint("j/k", "move")]

    @Test func hintsThatDoNotFitWholeAreLeftOut() {
        expectLines(renderLines(StatusBar(hints), width: 20, height: 1), ["q quit  ? help      "])
        expectLines(renderLines(StatusBar(hints), width: 24, height: 1), ["q quit  ? help  j/k move"])
        #expect(renderLines(StatusBar(hints), width: 3, height: 1) == ["   "])
        #expect(renderLines(StatusBar(hints), width: 0, height: 0) == [])
    }

    @Test func keysAndActionsHaveTheirStyles() {
        var buffer = Buffer(size: Size(width: 8, height: 1))
        buffer.render(StatusBar(hints), in: buffer.area)
        #expect(buffer[0, 0].style == Style(.keyHint, .bold))
        #expect(buffer[2, 0].style == Style(.statusBar))
        #expect(buffer[7, 0].style == Style(.statusBar))
    }
}
