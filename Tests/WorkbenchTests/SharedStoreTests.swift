import Collate
import Foundation
import Testing
import TUIKit
@testable import Workbench

/// Two writers on one session store: the workbench shows labels others write (another
/// workbench, `collate label`) and its undo never withdraws or overwrites one of theirs.
@Suite struct SharedStoreTests {
    /// What `collate label` does: its own connection to the session's store.
    static func commandLine(_ fixture: TemporarySession) throws -> SessionStore {
        try SessionStore(url: fixture.session.location.store)
    }

    static func humanCount(_ store: SessionStore) throws -> Int {
        try store.labelsInForce(iteration: 1).human.count
    }

    @Test func aCommandLineLabelIsShownAndUndoRestoresIt() throws {
        let fixture = try TemporarySession()
        defer { fixture.remove() }
        let id = fixture.trainIDs[0]
        let terminal = MemoryTerminal(size: Size(width: 120, height: 40))
        let app = try WorkbenchApp(backend: try SessionBackend(session: fixture.session), terminal: terminal,
                                   clock: { fixedNow })
        try app.run()
        #expect(app.state.session.prompts[0].humanLabel == nil)

        // `collate label demo --prompt ID --chosen 2 --rejected 1` while the workbench is open.
        let cli = try Self.commandLine(fixture)
        try cli.writeHumanLabel(promptID: id, iteration: 1, request: .pair(chosen: 2, rejected: 1), note: "cli",
                                providerCount: 2)
        #expect(app.pollStore(), "the poll tick sees the new label")
        let shown = try #require(app.state.session.prompts[0].humanLabel)
        #expect(shown.chosenProvider == 2 && shown.rejectedProvider == 1 && shown.note == "cli")
        try app.present()
        #expect(terminal.screen.lines.joined().contains("human: RP2 > RP1"))
        #expect(!app.pollStore(), "nothing new: nothing to refresh")

        // `1` overrules it, `u` undoes that: back to the command line's label, not to none.
        terminal.type("1")
        try app.run()
        #expect(try cli.humanLabel(promptID: id, iteration: 1)?.chosenProvider == 1)
        terminal.type("u")
        try app.run()
        let after = try #require(try cli.humanLabel(promptID: id, iteration: 1))
        #expect(after.chosenProvider == 2 && after.rejectedProvider == 1 && after.note == "cli")
        #expect(try Self.humanCount(cli) == 1)
    }

    @Test func twoWorkbenchesNeverUndoEachOthersLabels() throws {
        let fixture = try TemporarySession()
        defer { fixture.remove() }
        let id = fixture.trainIDs[0]
        let size = Size(width: 120, height: 40)
        let terminalA = MemoryTerminal(size: size), terminalB = MemoryTerminal(size: size)
        let appA = try WorkbenchApp(backend: try SessionBackend(session: fixture.session), terminal: terminalA)
        let appB = try WorkbenchApp(backend: try SessionBackend(session: try Session.open(fixture.session.location)),
                                    terminal: terminalB)
        try appA.run()
        try appB.run()

        terminalA.type("1")
        try appA.run()
        terminalB.type("2")
        try appB.run()
        #expect(appB.state.message?.text.hasPrefix("label saved") == true)
        let bLabel = try #require(try fixture.session.store.humanLabel(promptID: id, iteration: 1))
        #expect(bLabel.chosenProvider == 2)

        // A's undo would withdraw B's newer label: refused, naming it; B's label stays.
        terminalA.type("u")
        try appA.run()
        let message = try #require(appA.state.message)
        #expect(message.isError && message.text.contains("not undone") && message.text.contains("RP2 > RP1"),
                "\(message.text)")
        #expect(try fixture.session.store.humanLabel(promptID: id, iteration: 1)?.id == bLabel.id)
        #expect(appA.state.session.prompts[0].humanLabel?.chosenProvider == 2, "A shows B's label")
        #expect(appA.state.undoStack.isEmpty && appA.state.redoStack.isEmpty)
        terminalA.type("u")
        try appA.run()
        #expect(appA.state.message?.text == "nothing to undo")
        // B still shows its own label, and the store agrees.
        #expect(!appB.pollStore() || appB.state.session.prompts[0].humanLabel?.chosenProvider == 2)
        #expect(appB.state.session.prompts[0].humanLabel?.chosenProvider == 2)
        #expect(try Self.humanCount(fixture.session.store) == 1)
    }

    /// The backend's compare-and-set, without the poll that normally hides the race: a new
    /// label over one this window has not shown is refused, naming it; once shown it may be
    /// overruled.
    @Test func aLabelOverOneNotYetShownIsRefusedUntilShown() throws {
        let fixture = try TemporarySession()
        defer { fixture.remove() }
        let id = fixture.trainIDs[0]
        let backend = try SessionBackend(session: fixture.session)
        _ = try backend.loadSession()
        let cli = try Self.commandLine(fixture)
        try cli.writeHumanLabel(promptID: id, iteration: 1, request: .drop, note: nil, providerCount: 2)

        let mine = PairLabel(action: .chosen, chosenProvider: 1, rejectedProvider: 2)
        let conflict = try #require(throws: LabelConflict.self) {
            try backend.writeHumanLabel(promptID: id, label: mine, kind: .new)
        }
        #expect(conflict.current?.action == .dropped)
        #expect(try cli.humanLabel(promptID: id, iteration: 1)?.action == .dropped)

        let refreshed = try #require(try backend.labelsChangedElsewhere())
        #expect(refreshed[id]?.human?.action == .dropped)
        #expect(try backend.labelsChangedElsewhere() == nil)
        try backend.writeHumanLabel(promptID: id, label: mine, kind: .new)
        #expect(try cli.humanLabel(promptID: id, iteration: 1)?.chosenProvider == 1)
        // An undo of a label another writer has since replaced is refused too.
        try cli.writeHumanLabel(promptID: id, iteration: 1, request: .pair(chosen: 2, rejected: 1), note: nil,
                                providerCount: 2)
        _ = try backend.labelsChangedElsewhere()
        #expect(throws: LabelConflict.self) { try backend.writeHumanLabel(promptID: id, label: nil, kind: .undo) }
        #expect(try cli.humanLabel(promptID: id, iteration: 1)?.chosenProvider == 2)
    }
}
