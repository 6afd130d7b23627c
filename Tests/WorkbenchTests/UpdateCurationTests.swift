import Testing
import TUIKit
@testable import Workbench

/// Curation at scale: the list's ends, search matches and rationales, state filters, go to
/// a prompt id. The fixture's prompts 101...105 are auto, human, filtered, ≠, unlabelled.
@Suite struct UpdateCurationTests {
    @Test func homeAndEndJumpToTheEndsOfTheList() {
        var state = Fixture.state()
        press([.end], &state)
        #expect(state.selectedPrompt == 4)
        press([.home], &state)
        #expect(state.selectedPrompt == 0)
        press(keys(">"), &state)
        #expect(state.selectedPrompt == 4)
        press(keys("<"), &state)
        #expect(state.selectedPrompt == 0)
    }

    @Test func bracketsGoToTheNextAndPreviousMatchOfTheLastSearch() {
        var state = Fixture.state()
        press(keys("]"), &state)
        #expect(state.selectedPrompt == 0)
        #expect(state.message?.text == "no search yet: / searches prompts and rationales")
        press(keys("/how many") + [.enter], &state)  // 101, 104 and 105 ask "how many"
        #expect(state.lastSearch == "how many" && state.selectedPrompt == 0)
        press(keys("]"), &state)
        #expect(state.selectedPrompt == 3)
        #expect(state.message?.text == "match 2 of 3 for \"how many\" (] next, [ previous)")
        press(keys("]]"), &state)
        #expect(state.selectedPrompt == 0, "wraps after the last match")
        press(keys("["), &state)
        #expect(state.selectedPrompt == 4, "and before the first")
    }

    @Test func searchFindsRationaleText() {
        var state = Fixture.state()
        press([.end], &state)
        // Only provider 3's rationale says it; no instruction does.
        press(keys("/96 clips in all") + [.enter], &state)
        #expect(state.selectedPrompt == 0)
        #expect(PromptSearch.matches("96 clips in all", in: state.session.prompts) == [0, 1, 2, 3])
    }

    @Test func fCyclesThroughTheStatesThatHavePromptsAndMovesIntoThem() {
        var state = Fixture.state()
        press(keys("f"), &state)
        #expect(state.listFilter == .unlabelled && state.selectedPrompt == 4)
        #expect(state.listedPrompts == [4])
        press(keys("f"), &state)
        #expect(state.listFilter == .auto && state.selectedPrompt == 0)
        #expect(state.message?.text == "listing ○ auto label: 1 of 5 prompts (f: next filter)")
        press(keys("f"), &state)
        #expect(state.listFilter == .human && state.selectedPrompt == 1)
        press(keys("j"), &state)
        #expect(state.selectedPrompt == 1, "no other prompt is human-labelled")
        press(keys("ff"), &state)
        #expect(state.listFilter == .filtered && state.selectedPrompt == 2)
        press(keys("f"), &state)
        #expect(state.listFilter == nil && state.listedPrompts == [0, 1, 2, 3, 4])
        #expect(state.message?.text == "listing all 5 prompts")
    }

    @Test func aPromptLabelledOutOfTheFilterStaysUntilTheSelectionMoves() {
        var state = Fixture.state()
        press(keys("f"), &state)                       // unlabelled: 105 only
        state.session.prompts[4].humanLabel = PairLabel(action: .dropped, chosenProvider: 1, rejectedProvider: 2)
        #expect(state.listedPrompts == [4], "still listed while selected")
        state.session.prompts[0].autoLabel = nil       // 101 becomes unlabelled
        press(keys("k"), &state)
        #expect(state.selectedPrompt == 0 && state.listedPrompts == [0])
    }

    @Test func theFilteredListIsWhatTheScreenShows() {
        var state = Fixture.state()
        press(keys("fff"), &state)                     // human: 102
        let lines = WorkbenchView.render(state).lines
        #expect(lines.contains { $0.contains("Prompts ● 1/1 of 5") })
        #expect(lines.contains { $0.contains("● 102") })
        #expect(!lines.contains { $0.contains("○ 101") })
    }

    @Test func thePaletteGoesToAPromptID() {
        var state = Fixture.state()
        press(keys(":104") + [.enter], &state)
        #expect(state.selectedPrompt == 3)
        press(keys(":999") + [.enter], &state)
        #expect(state.selectedPrompt == 3 && state.message?.text == "no prompt 999 in this session")
    }

    @Test func theSearchTextIsHighlighted() throws {
        let spans = SearchHighlight.spans("How many clips? how MANY", needle: "how many", base: .normal,
                                          match: Style(.accent, .bold))
        #expect(spans.map(\.text) == ["How many", " clips? ", "how MANY"])
        #expect(spans.map(\.style) == [Style(.accent, .bold), .normal, Style(.accent, .bold)])
        #expect(SearchHighlight.spans("abc", needle: nil, base: .normal, match: .normal).map(\.text) == ["abc"])
        var state = Fixture.state()
        press(keys("/betty") + [.enter], &state)
        let buffer = WorkbenchView.render(state)
        // The list row (drawn selected) and the prompt panel show it; the panel highlights it.
        let rows = buffer.lines.indices.filter { buffer.lines[$0].contains("Betty") && !buffer.lines[$0].contains("103 Betty") }
        #expect(rows.count == 1)
        for row in rows {
            let line = Array(buffer.lines[row])
            let column = try #require((0..<line.count).first { String(line[$0..<min(line.count, $0 + 5)]) == "Betty" })
            #expect(buffer[column, row].style == Style(.accent, .bold))
            #expect(buffer[column + 5, row].style != Style(.accent, .bold))
        }
    }
}

@Suite struct NoRationalesNoticeTests {
    @Test func theNoticeSaysWhatWritesTheRationalesAndIsQuietWhileGenerating() {
        var state = Fixture.state(size: Size(width: 160, height: 48))
        press([.end], &state)                          // 105, a validation prompt with no answers
        #expect(WorkbenchView.render(state).lines.contains { $0.contains("No rationales yet: e (eval) writes them for validation prompts.") })
        state.session.prompts[4].split = .train
        #expect(WorkbenchView.render(state).lines.contains { $0.contains("No rationales yet: g generates them.") })
        _ = Workbench.update(&state, .jobEvent(.started(.generate, total: 5)), now: fixedNow)
        let lines = WorkbenchView.render(state).lines
        #expect(lines.contains { $0.contains("Generating: the rationales appear here as they are written.") })
        #expect(!lines.contains { $0.contains("g generates them") })
    }
}

@Suite struct BlindModeTests {
    /// Prompt 101: auto label RP1 > RP3, scores 0.812 / 0.655 / 0.104, M_IFT's answers 72 / 72 / 96.
    @Test func blindModeHidesScoresAnswersAndTheAutoLabel() {
        var state = Fixture.state(size: Size(width: 160, height: 48))
        let open = WorkbenchView.render(state).lines.joined(separator: "\n")
        #expect(open.contains("l 0.812") && open.contains("✓ right") && open.contains("CHOSEN auto") && open.contains("l_0"))
        press(keys("b"), &state)
        // All but the status line (which says what blind mode hides).
        let blind = WorkbenchView.render(state).lines.dropLast().joined(separator: "\n")
        for giveaway in ["0.812", "0.655", "Δ", "✓", "✗", "right", "wrong", "ans 96", "auto", "l_0", "CHOSEN", "REJECTED", "○", "≠", "⊘", "agree"] {
            #expect(!blind.contains(giveaway), "blind mode shows \(giveaway)")
        }
        #expect(blind.contains("scores hidden (blind)"))
        #expect(blind.contains("◆ 102") && blind.contains("◆ 104"), "human labels still show as such")
        #expect(!blind.contains("●"), "● says the human agrees with the auto label")
        // A human label made in blind mode shows as the human's.
        press(keys("1"), &state)
        let labelled = WorkbenchView.render(state).lines.joined(separator: "\n")
        #expect(labelled.contains("CHOSEN human") && !labelled.contains("auto"))
    }
}

@Suite struct LabelGlyphTests {
    @Test func aHumanLabelWithNoAutoLabelIsNotShownAsAgreeing() {
        var prompt = Fixture.session().prompts[1]       // 102: human agrees with auto
        #expect(LabelStatus(prompt) == .human && LabelStatus(prompt).glyph == "●")
        prompt.autoLabel = nil
        #expect(LabelStatus(prompt) == .humanOnly && LabelStatus(prompt).glyph == "◆")
        prompt.humanLabel = PairLabel(action: .dropped, chosenProvider: 1, rejectedProvider: 2)
        #expect(LabelStatus(prompt) == .filtered)
    }
}

@Suite struct JobRateTests {
    /// A resumed generate reports 1490 prompts already stored, then 10 more in 100 s.
    @Test func theStatusLineShowsTheRunsOwnRateAndETA() {
        var state = Fixture.state(size: Size(width: 160, height: 48))
        _ = Workbench.update(&state, .jobEvent(.started(.generate, total: 3500)), now: fixedNow)
        _ = Workbench.update(&state, .jobEvent(.progress(.generate, done: 1490, total: 3500, tokensPerSecond: nil)),
                             now: fixedNow.addingTimeInterval(2))
        #expect(state.jobs[.generate]?.progressText == "1490/3500", "no rate before a second report")
        _ = Workbench.update(&state, .jobEvent(.progress(.generate, done: 1500, total: 3500, tokensPerSecond: nil)),
                             now: fixedNow.addingTimeInterval(102))
        // 10 prompts in 100 s: 0.1/s, 2000 left: 20000 s.
        #expect(state.jobs[.generate]?.progressText == "1500/3500 · 0.1/s · ETA 5:33:20")
        #expect(WorkbenchView.render(state).lines[0].contains("generate 1500/3500 · 0.1/s · ETA 5:33:20"))
    }

    @Test func aPausedTrainingShowsNoETA() {
        var state = Fixture.state(size: Size(width: 160, height: 48))
        press(keys("t"), &state)
        _ = Workbench.update(&state, .jobEvent(.started(.train, total: 20)), now: fixedNow)
        for step in 1...4 {
            _ = Workbench.update(&state, .jobEvent(.progress(.train, done: step, total: 20, tokensPerSecond: nil)),
                                 now: fixedNow.addingTimeInterval(Double(step)))
        }
        #expect(state.jobs[.train]?.progressText == "4/20 · 1.0/s · ETA 0:16")
        _ = Workbench.update(&state, .jobEvent(.paused(.train)), now: fixedNow.addingTimeInterval(5))
        #expect(state.jobs[.train]?.progressText == "4/20 · 1.0/s")
        let lines = WorkbenchView.render(state).lines
        #expect(lines.contains { $0.contains("ETA --:--") } && !lines.contains { $0.contains("ETA 0:") })
    }
}

@Suite struct LabelMessageTests {
    @Test func undoAndRedoNameWhatTheyUndidAndRedid() {
        var state = Fixture.state()
        press(keys("2"), &state)                       // 101: beta over gamma (auto was alpha over gamma)
        #expect(state.message?.text == "label saved: beta > gamma")
        press(keys("u"), &state)
        #expect(state.message?.text == "undone on prompt 101: beta > gamma (now: back to the auto label)")
        press([.ctrl("r")], &state)
        #expect(state.message?.text == "redone on prompt 101: beta > gamma")
    }

    @Test func aPairOfIdenticalRationalesIsSavedOnlyWhenAskedTwice() {
        var state = Fixture.state()
        // 2 chooses beta and rejects gamma (the worst): make them the same text.
        state.session.prompts[0].answers[2].rationale = state.session.prompts[0].answers[1].rationale + "\n"
        #expect(press(keys("2"), &state).isEmpty, "warned, not written")
        #expect(state.message?.text.hasPrefix("chosen and rejected are word for word the same rationale") == true)
        #expect(state.session.prompts[0].humanLabel == nil)
        let effects = press(keys("2"), &state)
        #expect(effects.count == 1 && state.session.prompts[0].humanLabel?.chosenProvider == 2)
        // Moving away forgets the warning: asked again later, it warns again.
        press(keys("u"), &state)
        press(keys("2j"), &state)
        press(keys("k2"), &state)
        #expect(state.session.prompts[0].humanLabel == nil)
    }

    @Test func yourOwnRationaleIsAColumnAndWEditsIt() {
        var state = Fixture.state(size: Size(width: 160, height: 48))
        press(keys("w"), &state)
        for key in keys("Half of 48 is 24; 48 + 24 = 72.") { _ = Workbench.update(&state, .inputKey(key), now: fixedNow) }
        press([.enter], &state)
        #expect(state.session.prompts[0].humanLabel?.chosenRationale == "Half of 48 is 24; 48 + 24 = 72.")
        let screen = WorkbenchView.render(state).lines.joined(separator: "\n")
        #expect(screen.contains("yours") && screen.contains("written by you · w edits"))
        #expect(screen.contains("Half of 48 is 24;"))
        press(keys("w"), &state)
        #expect(state.input?.field.text == "Half of 48 is 24; 48 + 24 = 72.")
    }
}

@Suite struct ResumeHintTests {
    @Test func aHalfDoneStageIsNamedOnOpening() {
        var session = Fixture.session()                // 101-104 train: rationales of all three, scored
        #expect(Workbench.resumeHint(session) == nil)
        session.prompts[3].answers.removeLast()         // 104 has two of three
        #expect(Workbench.resumeHint(session) == "round 1: generate 3/4 prompts done: g resumes")
        session = Fixture.session()
        session.prompts[2].answers[1].score = nil       // 103 not fully scored
        #expect(Workbench.resumeHint(session) == "round 1: score 3/4 prompts done: s resumes")
        session.prompts.indices.forEach { index in session.prompts[index].answers = [] }
        #expect(Workbench.resumeHint(session) == nil, "nothing started: the first open's generate says it")
    }
}

@Suite struct LongTextTests {
    @Test func aQuestionTooLongForItsPanelSaysSo() {
        var state = Fixture.state()                    // 80x24: a third of the body is 7 lines
        state.session.prompts[0].instruction = (1...60).map { "word\($0)" }.joined(separator: " ")
        let lines = WorkbenchView.render(state).lines
        let marker = lines.first { $0.contains("lines (Enter shows all)") }
        #expect(marker != nil, "\(lines.joined(separator: "\n"))")
        #expect(lines.contains { $0.contains("word1 ") })
        #expect(!lines.contains { $0.contains("word60") }, "the tail is cut, and the marker says so")
        state.session.prompts[0].instruction = "A short question?"
        #expect(!WorkbenchView.render(state).lines.contains { $0.contains("Enter shows all") })
    }

    @Test func pageDownPagesTheHelp() {
        var state = Fixture.state()
        press(keys("?"), &state)
        press([.pageDown], &state)
        #expect(state.input?.selection == 16, "a page is the screen less eight rows")
        press([.pageUp], &state)
        #expect(state.input?.selection == 0)
    }
}

@Suite struct InspectNavigationTests {
    @Test func hAndLInspectTheNeighbouringColumnsJAndKScrollThePrompts() {
        var state = Fixture.state()
        press([.enter], &state)
        #expect(state.inspect?.provider == 1)
        #expect(press(keys("l"), &state) == [.loadRenderedPrompts(promptID: 101, provider: 2)])
        #expect(state.inspect?.provider == 2 && state.focusedColumn == 1 && state.screen == .inspect)
        press(keys("h"), &state)
        press(keys("h"), &state)
        #expect(state.inspect?.provider == 3, "wraps")
        press(keys("jj"), &state)
        #expect(state.inspect?.promptScroll == 2 && state.selectedPrompt == 0, "scrolls, does not move the prompt")
        press(keys("kkk"), &state)
        #expect(state.inspect?.promptScroll == 0)
        press([.escape], &state)
        press(keys("j"), &state)
        #expect(state.selectedPrompt == 1, "on Compare j moves as before")
        press(keys("T"), &state)
        press(keys("j"), &state)
        #expect(state.selectedPrompt == 1 && state.screen == .train)
    }
}
