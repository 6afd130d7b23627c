import Foundation
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

/// Issue 23: a keys file or theme that is not UTF-8 names its line; a directory in its place says so.
@Suite struct KeysAndThemeFileErrorTests {
    @Test func invalidUTF8InAKeysFileNamesTheLine() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("keys-\(UUID()).keys").path
        try Data(Array("move_down = \"n\"\nmove_up = \"".utf8) + [0xFF] + Array("\"\n".utf8)).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let (keymap, error) = KeymapFile.load(path: path)
        #expect(keymap == .standard)
        #expect(error?.description == "\(path):2: not valid UTF-8 (byte 12 of the line)")
    }

    @Test func aDirectoryNamedLikeAThemeIsNamed() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("themes-\(UUID())")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("odd.theme"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let library = ThemeLibrary.load(directory: directory.path)
        #expect(library.errors.map(\.description) == ["\(directory.path)/odd.theme:0: a directory, not a file"])
    }
}
