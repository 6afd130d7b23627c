import Foundation
import Testing
import TUIKit
@testable import Workbench

/// The Train screen's log wraps long lines instead of cutting them, scrolls back with k/j and
/// PgUp/PgDn (the title says which lines are shown), and stays put while new lines arrive.
@Suite struct TrainLogTests {
    func trainState(lines: Int) -> WorkbenchState {
        var state = Fixture.state(size: Size(width: 100, height: 40))
        state.screen = .train
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        for index in 0..<lines {
            let text = index == 1 ? "line 1: " + String(repeating: "long ", count: 25) + "END-OF-1" : "line \(index)"
            _ = Workbench.update(&state, .jobEvent(.log(text)), now: now)
        }
        return state
    }

    func screen(_ state: WorkbenchState) -> String { WorkbenchView.render(state).lines.joined(separator: "\n") }

    @Test func theLogFollowsItsNewestLineAndScrollsBackToItsFirst() {
        var state = trainState(lines: 30)
        let maxScroll = TrainView.maxLogScroll(state)
        #expect(maxScroll > 0)
        #expect(screen(state).contains("line 29") && !screen(state).contains("line 0 "))
        #expect(screen(state).contains(" of ") && screen(state).contains("(k j PgUp PgDn)"), "\(screen(state))")

        press(keys("k"), &state)
        #expect(state.logScrollBack == 1 && !screen(state).contains("line 29"))
        for _ in 0..<(maxScroll + 10) { press(keys("k"), &state) }
        #expect(state.logScrollBack == maxScroll, "stops at the first line")
        let top = screen(state)
        #expect(top.contains("line 0") && top.contains("line 1: long"))
        // Line 1 is wrapped, not cut: its end is on screen too.
        #expect(top.contains("END-OF-1"), "\(top)")

        // New lines arrive: the view stays on the lines being read.
        _ = Workbench.update(&state, .jobEvent(.log("line 30")), now: Date())
        #expect(logRows(screen(state)) == logRows(top) && !logRows(top).isEmpty)
        #expect(state.logScrollBack == maxScroll + 1)

        // PgDn back down to the newest line, which the log follows again.
        for _ in 0..<20 { press([.pageDown], &state) }
        #expect(state.logScrollBack == 0 && screen(state).contains("line 30"))
        _ = Workbench.update(&state, .jobEvent(.log("line 31")), now: Date())
        #expect(state.logScrollBack == 0 && screen(state).contains("line 31"))
    }

    @Test func aShortLogHasAPlainTitleAndCutsNothing() {
        let state = trainState(lines: 2)
        #expect(TrainView.maxLogScroll(state) == 0)
        #expect(screen(state).contains("Log") && !screen(state).contains(" of 2"))
        #expect(screen(state).contains("line 0") && screen(state).contains("line 1"))
    }

    /// The first rows of the log's panel: the lines below its title.
    func logRows(_ screen: String) -> [String] {
        let lines = screen.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let title = lines.firstIndex(where: { $0.contains("─Log") || $0.contains(" Log") }) else { return [] }
        return Array(lines[(title + 1)...].prefix(3))
    }
}
