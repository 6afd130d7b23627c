import Foundation
import Testing
import TUIKit
@testable import Workbench

/// Whole screens through the runner onto an in-memory terminal (what the terminal shows
/// after applying each frame's diff), at the minimum size and at twice it.
@Suite struct ScreenSnapshotTests {
    static let sizes = [Size(width: 80, height: 24), Size(width: 160, height: 48)]

    func app(size: Size) throws -> (WorkbenchApp, MemoryTerminal, MemoryBackend) {
        let terminal = MemoryTerminal(size: size)
        let backend = MemoryBackend()
        let app = try WorkbenchApp(backend: backend, terminal: terminal, themes: ThemeLibrary(),
                                   clock: { fixedNow })
        return (app, terminal, backend)
    }

    func show(_ app: WorkbenchApp, _ terminal: MemoryTerminal, keys: [Key]) throws -> [String] {
        for key in keys { app.handle(.key(key)) }
        try app.present()
        return terminal.screen.lines
    }

    @Test(arguments: sizes) func compare(size: Size) throws {
        let (app, terminal, _) = try app(size: size)
        expectSnapshot(try show(app, terminal, keys: []), named: "compare-\(size)")
    }

    @Test(arguments: sizes) func compareWithDiffBlindAndAHumanLabel(size: Size) throws {
        let (app, terminal, _) = try app(size: size)
        expectSnapshot(try show(app, terminal, keys: keys("dbr1")), named: "compare-diff-blind-\(size)")
    }

    @Test(arguments: sizes) func inspect(size: Size) throws {
        let (app, terminal, _) = try app(size: size)
        expectSnapshot(try show(app, terminal, keys: [.enter]), named: "inspect-\(size)")
    }

    @Test(arguments: sizes) func train(size: Size) throws {
        let (app, terminal, backend) = try app(size: size)
        app.handle(.key(.char("t")))
        let report = try #require(backend.report)
        report(.started(.train, total: 20))
        for step in 1...12 {
            let x = Double(step)
            report(.metric(step: step, name: "loss", value: 0.693 * exp(-x / 8), provider: 1))
            report(.metric(step: step, name: "rewards/margins", value: 0.05 * x, provider: 1))
            report(.metric(step: step, name: "rewards/accuracies", value: min(1, 0.4 + 0.05 * x), provider: 1))
            report(.metric(step: step, name: "rewards/chosen", value: 0.02 * x, provider: 1))
            report(.metric(step: step, name: "rewards/rejected", value: -0.03 * x, provider: 1))
            report(.log("step \(step) loss \(String(format: "%.3f", 0.693 * exp(-x / 8)))"))
        }
        report(.progress(.train, done: 12, total: 20, tokensPerSecond: 118.5))
        app.handle(.wake)  // what the worker's waker makes the loop do
        #expect(app.state.metrics["loss"]?.count == 12)
        expectSnapshot(try show(app, terminal, keys: []), named: "train-\(size)")
    }

    @Test(arguments: sizes) func eval(size: Size) throws {
        let (app, terminal, _) = try app(size: size)
        expectSnapshot(try show(app, terminal, keys: keys("E")), named: "eval-\(size)")
    }

    /// With more rationales than providers per prompt (RP1/2 is provider 1's second), the
    /// Compare screen has a column per rationale but accuracy is per provider: the Eval table
    /// has a column for each provider of its rows only.
    @Test func evalColumnsAreTheProvidersNotEveryRationale() throws {
        var session = Fixture.session()
        session.providers = ["RP1", "RP2", "RP1/2", "RP2/2"]
        session.evalRows = [EvalRow(iteration: 0, direct: 0.05, providers: [0.734, 0.712], selected: 0.734, oracle: 0.75)]
        let terminal = MemoryTerminal(size: Size(width: 100, height: 24))
        let app = try WorkbenchApp(backend: MemoryBackend(session: session), terminal: terminal, themes: ThemeLibrary(),
                                   clock: { fixedNow })
        let screen = try show(app, terminal, keys: keys("E")).joined(separator: "\n")
        #expect(screen.contains("RP2") && screen.contains("73.4%") && screen.contains("71.2%"))
        #expect(!screen.contains("RP1/2") && !screen.contains("RP2/2"), "\(screen)")
    }

    @Test(arguments: sizes) func helpAndPalette(size: Size) throws {
        let (app, terminal, _) = try app(size: size)
        expectSnapshot(try show(app, terminal, keys: keys("?")), named: "help-\(size)")
        expectSnapshot(try show(app, terminal, keys: [.escape] + keys(":the")), named: "palette-\(size)")
    }

    /// Scrolled to its end, the help explains the glyphs and the column titles (RP1/2 is not
    /// self-explanatory, and the demo shows it on a first open).
    @Test func helpEndsWithTheGlyphsAndTheColumnTitles() throws {
        let (app, terminal, _) = try app(size: Size(width: 80, height: 24))
        let screen = try show(app, terminal, keys: keys("?") + Array(repeating: .down, count: 80)).joined(separator: "\n")
        #expect(screen.contains("human overrode auto"), "\(screen)")
        #expect(screen.contains("RP2/3  provider 2's third ([loop] rationales_per_provider)"), "\(screen)")
    }

    @Test func tooSmallShowsANoticeAndResizeRedraws() throws {
        let (app, terminal, _) = try app(size: Size(width: 60, height: 20))
        try app.present()
        expectSnapshot(terminal.screen.lines, named: "too-small-60x20")
        #expect(terminal.screen.lines.joined().contains("Terminal too small: 60x20"))
        terminal.resize(to: Size(width: 80, height: 24))
        let event = try #require(try terminal.nextEvent(timeout: nil))
        app.handle(event)
        try app.present()
        #expect(terminal.screen.lines == WorkbenchView.render(app.state).lines)
        #expect(terminal.screen.lines[0].hasPrefix(" collate demo"))
    }
}
