import Testing
import TUIKit
@testable import Workbench

@Suite struct UpdateNavigationTests {
    @Test func movingAndFocusing() {
        var state = Fixture.state()
        press(keys("jj") + [.down], &state)
        #expect(state.selectedPrompt == 3)
        press(keys("jjj"), &state)
        #expect(state.selectedPrompt == 4, "stops at the last prompt")
        press(keys("k") + [.up], &state)
        #expect(state.selectedPrompt == 2)
        press(keys("l") + [.tab], &state)
        #expect(state.focusedColumn == 2)
        press([.tab], &state)
        #expect(state.focusedColumn == 0, "Tab wraps around")
        press(keys("h"), &state)
        #expect(state.focusedColumn == 2)
    }

    @Test func enterInspectsTheFocusedColumnAndEscGoesBack() {
        var state = Fixture.state()
        let effects = press(keys("l") + [.enter], &state)
        #expect(state.screen == .inspect)
        #expect(effects == [.loadRenderedPrompts(promptID: 101, provider: 2)])
        #expect(state.inspect?.provider == 2)
        press([.escape], &state)
        #expect(state.screen == .compare)
    }

    @Test func searchJumpsAsYouTypeEnterKeepsEscRestores() {
        var state = Fixture.state()
        press(keys("/betty"), &state)
        #expect(state.selectedPrompt == 2)
        press([.enter], &state)
        #expect(state.input == nil)
        #expect(state.selectedPrompt == 2)
        press(keys("/james") + [.escape], &state)
        #expect(state.selectedPrompt == 2, "Esc goes back to where the search started")
        press(keys("/natalia sold clips") + [.enter], &state)  // only 101's question says it so
        #expect(state.selectedPrompt == 0, "wraps to the first match")
        press(keys("/zzz") + [.enter], &state)
        #expect(state.message?.text == "no prompt matches \"zzz\"")
    }

    @Test func searchDownGoesToTheNextMatch() {
        var state = Fixture.state()
        press(keys("/how many"), &state)  // prompts 101, 104 and 105 ask "how many"
        #expect(state.selectedPrompt == 0)
        press([.down], &state)
        #expect(state.selectedPrompt == 3)
        press([.down, .down], &state)
        #expect(state.selectedPrompt == 0, "wraps after the last match")
        press([.up], &state)
        #expect(state.selectedPrompt == 4, "and before the first")
    }

    @Test func paletteRunsCommandsByName() {
        var state = Fixture.state()
        press(keys(":blind") + [.enter], &state)
        #expect(state.blind)
        #expect(press(keys(":theme_light") + [.enter], &state) == [.switchTheme("light")])
        #expect(press(keys(":train 5") + [.enter], &state) == [.job(.start(.train, steps: 5))])
        #expect(state.trainSteps == 5)
        #expect(state.screen == .train)
    }

    @Test func paletteSelectionMovesWithArrows() {
        var state = Fixture.state()
        let entries = Palette.entries(filter: "theme", themeNames: state.themeNames)
        #expect(entries == [.theme("dark"), .theme("light"), .theme("high-contrast")])
        #expect(press(keys(":theme") + [.down, .down, .enter], &state) == [.switchTheme("high-contrast")])
    }

    @Test func jobsStartOnceAndTrainingPausesAndStops() {
        var state = Fixture.state()
        #expect(press(keys("t"), &state) == [.job(.start(.train, steps: 20))])
        _ = Workbench.update(&state, .jobEvent(.started(.train, total: 20)), now: fixedNow)
        #expect(press(keys("t"), &state).isEmpty)
        #expect(state.message?.text == "train is already running")
        #expect(press(keys("p"), &state) == [.job(.pause(.train))])
        _ = Workbench.update(&state, .jobEvent(.paused(.train)), now: fixedNow)
        #expect(press(keys("p"), &state) == [.job(.resume(.train))])
        #expect(press(keys("S"), &state) == [.job(.stop(.train))])
        #expect(press(keys("g"), &state) == [.job(.start(.generate, steps: nil))])
        #expect(press(keys("e"), &state) == [.job(.start(.eval, steps: nil))])
        #expect(state.screen == .eval)
    }

    @Test func quitStopsRunningJobs() {
        var state = Fixture.state()
        _ = Workbench.update(&state, .jobEvent(.started(.score, total: 5)), now: fixedNow)
        #expect(press(keys("q"), &state).isEmpty, "q asks first while a job runs")
        #expect(!state.shouldQuit)
        #expect(state.message?.text == "score is running: q again stops it and quits (what it finished is saved; "
                + "a rerun continues), any other key stays")
        press(keys("j"), &state)
        #expect(press(keys("q"), &state).isEmpty, "another key disarmed it")
        #expect(press(keys("q"), &state) == [.job(.stop(.score)), .quit])
        #expect(state.shouldQuit)
    }

    @Test func quitWithNoJobRunningQuitsAtOnce() {
        var state = Fixture.state()
        #expect(press(keys("q"), &state) == [.quit])
        #expect(state.shouldQuit)
    }

    @Test func messagesGiveWayToTheKeyHintsAfterTheirLifetimeErrorsStay() {
        var state = Fixture.state()
        press(keys("t"), &state)
        #expect(state.message?.text == "starting train (20 steps)")
        let soon = fixedNow.addingTimeInterval(StatusMessage.lifetime - 1)
        _ = Workbench.update(&state, .jobEvent(.progress(.train, done: 1, total: 20, tokensPerSecond: nil)), now: soon)
        #expect(state.message?.text == "starting train (20 steps)")
        let later = fixedNow.addingTimeInterval(StatusMessage.lifetime)
        _ = Workbench.update(&state, .jobEvent(.progress(.train, done: 2, total: 20, tokensPerSecond: nil)), now: later)
        #expect(state.message == nil)
        _ = Workbench.update(&state, .failed("disk full"), now: later)
        _ = Workbench.update(&state, .jobEvent(.progress(.train, done: 3, total: 20, tokensPerSecond: nil)),
                             now: later.addingTimeInterval(60))
        #expect(state.message == StatusMessage(text: "disk full", isError: true))
    }

    @Test func jobEventsUpdateProgressMetricsColumnsAndLog() {
        var state = Fixture.state()
        let later = fixedNow.addingTimeInterval(10)
        _ = Workbench.update(&state, .jobEvent(.started(.train, total: 20)), now: fixedNow)
        _ = Workbench.update(&state, .jobEvent(.progress(.train, done: 5, total: 20, tokensPerSecond: 42)), now: later)
        #expect(state.jobs[.train]?.elapsedSeconds == 10)
        #expect(state.jobs[.train]?.done == 5)
        _ = Workbench.update(&state, .jobEvent(.metric(step: 5, name: "loss", value: 0.6, provider: 1)), now: later)
        #expect(state.metrics["loss"] == [ChartPoint(x: 5, y: 0.6)])
        _ = Workbench.update(&state, .jobEvent(.token(promptID: 105, provider: 2, text: "Ten ")), now: later)
        _ = Workbench.update(&state, .jobEvent(.token(promptID: 105, provider: 2, text: "yellow")), now: later)
        #expect(state.session.prompts[4].answers.map(\.rationale) == ["Ten yellow"])
        _ = Workbench.update(&state, .jobEvent(.failed(.train, message: "loss is NaN at step 6")), now: later)
        #expect(state.message == StatusMessage(text: "train failed: loss is NaN at step 6", isError: true))
        for index in 0..<250 { _ = Workbench.update(&state, .jobEvent(.log("line \(index)")), now: later) }
        #expect(state.logLines.count == WorkbenchState.logLineLimit)
        #expect(state.logLines.last == "line 249")
    }
}

@Suite struct ScrollTests {
    /// A session of 40 prompts with long rationales in the first.
    func bigState() -> WorkbenchState {
        var session = Fixture.session()
        let template = session.prompts[4]
        for id in Int64(200)..<235 {
            var prompt = template
            prompt.id = id
            session.prompts.append(prompt)
        }
        session.prompts[0].answers[1].rationale = (1...60).map { "Line \($0) of a long rationale." }.joined(separator: "\n")
        return WorkbenchState(session: session, size: Size(width: 80, height: 24))
    }

    @Test func theListOffsetMovesOnlyToKeepTheSelectionVisible() {
        var state = bigState()
        let rows = CompareLayout(size: state.size, prompt: state.currentPrompt, columnCount: 3).listRows
        #expect(rows == 20)
        press(Array(repeating: .char("j"), count: 25), &state)
        #expect(state.listOffset == 25 - rows + 1)
        press(keys("kk"), &state)
        #expect(state.listOffset == 25 - rows + 1, "moving up inside the window does not scroll")
        press(Array(repeating: .char("k"), count: 17), &state)
        #expect(state.selectedPrompt == 6 && state.listOffset == 6, "the selection reached the top row")
        press(Array(repeating: .char("k"), count: 3), &state)
        #expect(state.listOffset == 3)
        let screen = WorkbenchView.render(state).lines
        #expect(screen[2].hasPrefix("│≠ 104 James"), "first visible row is prompt 104: \(screen[2])")
    }

    @Test func rationaleScrollStopsAtTheLastLine() throws {
        var state = bigState()
        let column = CompareLayout(size: state.size, prompt: state.currentPrompt, columnCount: 3).columns[1]
        let text = CompareLayout.textArea(of: column)
        let lineCount = WordWrap.wrap(state.session.prompts[0].answers[1].rationale, width: text.width).count
        #expect(lineCount >= 60)
        let last = lineCount - text.height
        press(Array(repeating: .pageDown, count: 30), &state)
        #expect(state.rationaleScroll == last)
        let screen = WorkbenchView.render(state).lines
        #expect(screen.contains { $0.contains("Line 60 of a") })
        press([.pageUp], &state)
        #expect(state.rationaleScroll == last - 24 / 4)
        press(keys("j"), &state)
        #expect(state.rationaleScroll == 0, "a new prompt starts at the top")
    }

    @Test func inspectScrollStopsAtTheLastLine() {
        var state = bigState()
        press(keys("l") + [.enter] + Array(repeating: .pageDown, count: 30), &state)
        let scroll = state.inspect?.scroll ?? -1
        #expect(scroll > 0 && scroll == InspectView.maxScroll(state))
        #expect(WorkbenchView.render(state).lines.contains { $0.contains("Line 60 of a") })
    }
}

@Suite struct MouseTests {
    func mouse(_ kind: MouseEvent.Kind, x: Int, y: Int, _ state: inout WorkbenchState) {
        for action in KeyRouter.actions(for: .mouse(MouseEvent(kind, at: Point(x: x, y: y))), state: state) {
            _ = Workbench.update(&state, action, now: fixedNow)
        }
    }

    @Test func clicksSelectPromptsAndFocusColumns() {
        var state = Fixture.state()
        mouse(.press(button: 1), x: 5, y: 5, &state)      // list rows start at y 2: row 3 is prompt 104
        #expect(state.selectedPrompt == 3)
        mouse(.press(button: 1), x: 70, y: 15, &state)    // the third column at 80x24
        #expect(state.focusedColumn == 2)
        mouse(.press(button: 3), x: 5, y: 2, &state)
        #expect(state.selectedPrompt == 3, "right clicks do nothing")
        mouse(.press(button: 1), x: 5, y: 20, &state)     // below the last prompt
        #expect(state.selectedPrompt == 3)
    }

    @Test func overlaysSwallowClicksAndHelpScrollIsBounded() {
        var state = Fixture.state()
        press(keys("?"), &state)
        mouse(.press(button: 1), x: 5, y: 5, &state)
        #expect(state.selectedPrompt == 0)
        press(Array(repeating: .down, count: 200), &state)
        let rows = state.keymap.helpRows(for: .compare).count
        #expect(state.input?.selection == rows - 1)
        press([.up], &state)
        #expect(state.input?.selection == rows - 2)
    }
}
