import Testing
import TUIKit
@testable import Workbench

/// Issue 23: a keys file binding that makes another binding unreachable is refused, naming
/// both; quit keeps a key whatever the file says.
@Suite struct KeymapShadowTests {
    @Test(arguments: [
        ("move_down = \"r\"", 1, "move_down (r) shadows reject_1 (r 1): r alone would run move_down before the rest could be typed"),
        ("# mine\nundo = \"d x\"", 2, "toggle_diff (d) shadows undo (d x): d alone would run toggle_diff before the rest could be typed"),
        ("move_down = \"q\"", 1, "`move_down = \"q\"` takes quit's last key: quit must stay reachable (bind quit to another key in this file too)"),
    ])
    func aShadowingBindingIsAnErrorNamingBoth(text: String, line: Int, message: String) {
        #expect(throws: KeymapFileError(file: "my.keys", line: line, message: message)) {
            try KeymapFile.apply(text, to: .standard, file: "my.keys")
        }
    }

    @Test func movingQuitFirstFreesItsKey() throws {
        let keymap = try KeymapFile.apply("quit = \"Q\"\nmove_down = \"q\"", to: .standard, file: "my.keys")
        #expect(keymap.lookup([.char("Q")], on: .compare) == .command(.quit))
        #expect(keymap.lookup([.char("q")], on: .compare) == .command(.moveDown))
    }

    /// Screens do not shadow each other: `p` (pause, Train screen) beside a compare-only `p ...`.
    @Test func bindingsOnDifferentScreensDoNotShadow() throws {
        let keymap = try KeymapFile.apply("drop = \"p x\"", to: .standard, file: "my.keys")
        #expect(keymap.lookup([.char("p"), .char("x")], on: .compare) == .command(.drop))
        #expect(keymap.lookup([.char("p")], on: .train) == .command(.pauseJob))
    }
}
