import Testing
import TUIKit
@testable import Workbench

/// Key sequences on the first prompt (id 101: auto label alpha > gamma, no human label)
/// and the label each must write.
struct LabelCase: CustomTestStringConvertible, Sendable {
    var name: String
    var keys: [Key]
    var written: PairLabel?
    var testDescription: String { name }
}

@Suite struct UpdateLabelTests {
    static func label(_ action: PairAction, _ chosen: Int?, _ rejected: Int?, rationale: String? = nil) -> PairLabel {
        PairLabel(action: action, chosenProvider: chosen, rejectedProvider: rejected, chosenRationale: rationale,
                  time: fixedNow)
    }

    @Test(arguments: [
        LabelCase(name: "2 chooses beta, keeps gamma rejected", keys: keys("2"), written: label(.chosen, 2, 3)),
        LabelCase(name: "3 chooses gamma, worst other (beta) rejected", keys: keys("3"), written: label(.chosen, 3, 2)),
        LabelCase(name: "r then 2 rejects beta, keeps alpha chosen", keys: keys("r2"), written: label(.chosen, 1, 2)),
        LabelCase(name: "@ (shift-2) rejects beta", keys: keys("@"), written: label(.chosen, 1, 2)),
        LabelCase(name: "! rejects alpha, best other (beta) chosen", keys: keys("!"), written: label(.chosen, 2, 1)),
        LabelCase(name: "# rejects gamma: the auto pair", keys: keys("#"), written: label(.chosen, 1, 3)),
        LabelCase(name: "x drops the pair", keys: keys("x"), written: label(.dropped, 1, 3)),
        LabelCase(name: "a accepts the auto label", keys: keys("a"), written: label(.chosen, 1, 3)),
        LabelCase(name: "w writes a rationale that becomes chosen", keys: keys("w") + keys("48+24=72") + [.enter],
                  written: label(.chosen, nil, 3, rationale: "48+24=72")),
        LabelCase(name: "w edits with backspace before saving", keys: keys("wab") + [.backspace] + keys("c") + [.enter],
                  written: label(.chosen, nil, 3, rationale: "ac")),
    ])
    func keyWritesLabel(_ testCase: LabelCase) {
        var state = Fixture.state()
        let effects = press(testCase.keys, &state)
        #expect(effects == [.writeLabel(promptID: 101, testCase.written)])
        #expect(state.session.prompts[0].humanLabel == testCase.written)
        #expect(state.undoStack.count == 1)
    }

    @Test(arguments: [
        LabelCase(name: "w then Esc writes nothing", keys: keys("wabc") + [.escape], written: nil),
        LabelCase(name: "w with an empty text writes nothing", keys: keys("w") + [.enter], written: nil),
        LabelCase(name: "K on a pair the filter kept does nothing", keys: keys("K"), written: nil),
        LabelCase(name: "r then x is no binding", keys: keys("rx"), written: nil),
        LabelCase(name: "9 names no column", keys: keys("9"), written: nil),
        LabelCase(name: "Esc after r cancels the prefix", keys: [.char("r"), .escape, .char("2")], written: label(.chosen, 2, 3)),
    ])
    func keysThatWriteNothingOrCancel(_ testCase: LabelCase) {
        var state = Fixture.state()
        let effects = press(testCase.keys, &state)
        #expect(effects == (testCase.written.map { [.writeLabel(promptID: 101, $0)] } ?? []))
        #expect(state.pendingKeys.isEmpty)
    }

    @Test func keepFilteredKeepsTheAutoPairOfAFilteredPrompt() {
        var state = Fixture.state()
        let effects = press(keys("jjK"), &state)
        #expect(state.currentPrompt?.id == 103)
        #expect(effects == [.writeLabel(promptID: 103, Self.label(.keptFiltered, 1, 3))])
        // Keeping a filtered pair overrides the filter (COLLATE.md section 7).
        #expect(LabelStatus(state.currentPrompt!) == .disagreement)
    }

    /// `a` on a filtered pair agrees with the filter: a human `filtered` label, not a drop.
    @Test func acceptingAFilteredPairKeepsItFiltered() throws {
        var state = Fixture.state()
        let effects = press(keys("jja"), &state)
        #expect(effects == [.writeLabel(promptID: 103, Self.label(.filtered, 1, 3))])
        let prompt = try #require(state.currentPrompt)
        #expect(LabelStatus(prompt) == .filtered)
        #expect(Agreement([prompt]).fraction == 1)
    }

    @Test func pendingPrefixIsShownAndCleared() {
        var state = Fixture.state()
        #expect(press(keys("r"), &state).isEmpty)
        #expect(state.pendingKeys == [.char("r")])
        #expect(state.message?.text == "r ...")
        press(keys("1"), &state)
        #expect(state.pendingKeys.isEmpty)
    }

    @Test func undoWritesThePreviousLabelBackAndRedoReappliesIt() {
        var state = Fixture.state()
        press(keys("2"), &state)
        let effects3 = press(keys("3"), &state)
        #expect(effects3 == [.writeLabel(promptID: 101, Self.label(.chosen, 3, 2))])
        // Undo: the label before "3" (beta > gamma) is written back through the backend.
        #expect(press(keys("u"), &state) == [.writeLabel(promptID: 101, Self.label(.chosen, 2, 3), kind: .undo)])
        #expect(state.session.prompts[0].humanLabel == Self.label(.chosen, 2, 3))
        // Undo again: no human label at all (back to auto).
        #expect(press(keys("u"), &state) == [.writeLabel(promptID: 101, nil, kind: .undo)])
        #expect(state.session.prompts[0].humanLabel == nil)
        #expect(press(keys("u"), &state).isEmpty)
        #expect(state.message?.text == "nothing to undo")
        // Redo twice replays both changes, in order.
        #expect(press([.ctrl("r")], &state) == [.writeLabel(promptID: 101, Self.label(.chosen, 2, 3), kind: .redo)])
        #expect(press([.ctrl("r")], &state) == [.writeLabel(promptID: 101, Self.label(.chosen, 3, 2), kind: .redo)])
        #expect(press([.ctrl("r")], &state).isEmpty)
    }

    @Test func undoFollowsItsPromptEvenAfterMovingAway() {
        var state = Fixture.state()
        press(keys("x"), &state)
        press(keys("jj"), &state)
        #expect(press(keys("u"), &state) == [.writeLabel(promptID: 101, nil, kind: .undo)])
        #expect(state.currentPrompt?.id == 103)
    }

    @Test func aNewLabelClearsRedo() {
        var state = Fixture.state()
        press(keys("2u"), &state)
        #expect(state.redoStack.count == 1)
        press(keys("3"), &state)
        #expect(state.redoStack.isEmpty)
    }

    @Test func repeatingTheLabelInForceWritesNothing() {
        var state = Fixture.state()
        press(keys("2"), &state)
        #expect(press(keys("2"), &state).isEmpty)
        #expect(state.undoStack.count == 1)
    }

    @Test func blindModeDigitsFollowTheScreenColumns() {
        var state = Fixture.state()
        press(keys("b"), &state)
        let order = BlindOrder.permutation(count: 3, promptID: 101)
        let effects = press(keys("1"), &state)
        guard case .writeLabel(_, let label?, _) = effects.first else {
            Issue.record("no label written: \(effects)")
            return
        }
        #expect(label.chosenProvider == order[0] + 1)
        #expect(state.columnName(state.columns(of: state.currentPrompt!)[0], at: 0) == "A")
    }
}

@Suite struct NoteTests {
    @Test func aNoteIsWrittenWithTheHumanLabelAndUndoable() {
        var state = Fixture.state()
        #expect(press(keys("n"), &state).isEmpty)
        #expect(state.input == nil, "no human label yet: nothing to annotate")
        press(keys("2"), &state)
        let effects = press(keys("nwrong unit") + [.enter], &state)
        var expected = PairLabel(action: .chosen, chosenProvider: 2, rejectedProvider: 3, note: "wrong unit", time: fixedNow)
        #expect(effects == [.writeLabel(promptID: 101, expected)])
        // The note survives a new decision on the same prompt.
        expected.chosenProvider = 1
        #expect(press(keys("1"), &state) == [.writeLabel(promptID: 101, expected)])
        #expect(WorkbenchView.render(state).lines[5].contains("note: wrong"))
        press(keys("uu"), &state)
        #expect(state.session.prompts[0].humanLabel?.note == nil)
    }
}
