import Foundation
import Testing
import TUIKit
@testable import Workbench

/// The runner end to end on an in-memory terminal: keys in, labels written to the backend,
/// job events through the waker, quit.
@Suite struct AppTests {
    @Test func labelTwoPromptsTrainQuitAndReopen() throws {
        let backend = MemoryBackend()
        let terminal = MemoryTerminal(size: Size(width: 100, height: 30))
        terminal.feed(keys: keys("2j3"))        // prompt 101: beta chosen; prompt 102: gamma chosen
        terminal.feed(keys: keys("t"))          // training starts; events arrive while we wait
        let app = try WorkbenchApp(backend: backend, terminal: terminal, clock: { fixedNow })
        try app.run()                            // runs until the scripted keys are used up
        #expect(backend.writes.map(\.promptID) == [101, 102])
        #expect(backend.commands == [.start(.train, steps: 20)])
        #expect(app.state.screen == .train)

        // A worker thread reports a step; the loop wakes, pulls it and redraws.
        let report = try #require(backend.report)
        let worker = Thread { report(.metric(step: 1, name: "loss", value: 0.69, provider: 1)) }
        worker.start()
        while app.state.metrics["loss"] == nil {
            if let event = try terminal.nextEvent(timeout: nil) { app.handle(event) } else { Thread.sleep(forTimeInterval: 0.001) }
        }
        try app.present()
        #expect(terminal.screen.lines.joined().contains("step 1"))

        terminal.feed(keys: keys("q"))
        try app.run()
        #expect(app.state.shouldQuit)

        // Reopening reads the labels back from the store: nothing was waiting to be saved.
        let reopened = try WorkbenchApp(backend: backend, terminal: MemoryTerminal(size: Size(width: 80, height: 24)))
        #expect(reopened.state.session.prompts[0].humanLabel?.chosenProvider == 2)
        #expect(reopened.state.session.prompts[1].humanLabel?.chosenProvider == 3)
        #expect(reopened.state.session.prompts[1].humanLabel?.rejectedProvider == 1)
    }

    @Test func aFirstOpenStartsGeneratingAndALaterOneDoesNot() throws {
        var empty = Fixture.session()
        for index in empty.prompts.indices { empty.prompts[index].answers = [] }
        let fresh = MemoryBackend(session: empty)
        let first = try WorkbenchApp(backend: fresh, terminal: MemoryTerminal(size: Size(width: 80, height: 24)))
        #expect(first.generateWhenNothingIsWritten())
        #expect(fresh.commands == [.start(.generate, steps: nil)])

        let written = MemoryBackend()  // the fixture's prompts have rationales
        let later = try WorkbenchApp(backend: written, terminal: MemoryTerminal(size: Size(width: 80, height: 24)))
        #expect(!later.generateWhenNothingIsWritten())
        #expect(written.commands.isEmpty)
    }

    @Test func aFailedWriteShowsAnErrorAndWhatTheStoreHolds() throws {
        let backend = MemoryBackend()
        backend.failWrites = true
        let app = try WorkbenchApp(backend: backend, terminal: MemoryTerminal(size: Size(width: 80, height: 24)))
        app.handle(.key(.char("2")))
        #expect(app.state.session.prompts[0].humanLabel == nil)
        #expect(app.state.message == StatusMessage(text: "label for prompt 101 not saved: disk full", isError: true))
    }

    @Test func inspectLoadsTheRenderedPrompts() throws {
        let app = try WorkbenchApp(backend: MemoryBackend(), terminal: MemoryTerminal(size: Size(width: 80, height: 24)))
        app.handle(.key(.enter))
        #expect(app.state.inspect?.renderedPrompts.map(\.mode) == ["I -> A", "I -> R"])
    }

    @Test func onlyChangedCellsAreRedrawnAfterAMove() throws {
        let terminal = MemoryTerminal(size: Size(width: 160, height: 48))
        let app = try WorkbenchApp(backend: MemoryBackend(), terminal: terminal)
        try app.present()
        let first = terminal.cellsWrittenLastFrame  // every non-blank cell
        app.handle(.key(.char("l")))  // focus moves one column: two borders change, no text does
        try app.present()
        let second = terminal.cellsWrittenLastFrame
        #expect(second > 0)
        #expect(second * 3 < first, "first \(first), second \(second)")
        #expect(terminal.screen == WorkbenchView.render(app.state))
    }

    /// A 200x60 Compare screen with long rationales: after the first frame the wrapped
    /// lines come from the cache, so a frame is a few milliseconds even in a debug build.
    @Test func renderingALargeCompareScreenIsCheap() {
        var session = Fixture.session()
        let long = String(repeating: "Natalia sold 48 clips in April and half as many in May, so 72 in all. ", count: 40)
        for index in session.prompts.indices {
            for answer in session.prompts[index].answers.indices { session.prompts[index].answers[answer].rationale = long }
        }
        var state = WorkbenchState(session: session, size: Size(width: 200, height: 60))
        state.showsDiff = true
        _ = WorkbenchView.render(state)
        let cached = state.wrapCache.count
        let clock = ContinuousClock()
        let elapsed = clock.measure { for _ in 0..<10 { _ = WorkbenchView.render(state) } }
        #expect(state.wrapCache.count == cached, "no re-wrapping of unchanged rationales")
        #expect(elapsed / 10 < .milliseconds(100), "one frame took \(elapsed / 10)")
    }
}
