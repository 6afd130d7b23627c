import Foundation
import Testing
import TUIKit
@testable import Workbench

@Suite struct KeymapTests {
    @Test func lookupResolvesSequencesPrefixesAndContexts() {
        let keymap = Keymap.standard
        #expect(keymap.lookup([.char("j")], on: .compare) == .command(.moveDown))
        #expect(keymap.lookup([.char("k")], on: .compare) == .command(.moveUp))
        #expect(keymap.lookup([.char("K")], on: .compare) == .command(.keepFiltered))
        #expect(keymap.lookup([.char("r")], on: .compare) == .pending([.char("r")]))
        #expect(keymap.lookup([.char("r"), .char("4")], on: .compare) == .command(.reject(4)))
        #expect(keymap.lookup([.char("(")], on: .compare) == .command(.reject(9)))
        #expect(keymap.lookup([.ctrl("r")], on: .compare) == .command(.redo))
        #expect(keymap.lookup([.char("p")], on: .train) == .command(.pauseJob))
        #expect(keymap.lookup([.char("p")], on: .compare) == .unbound)
        #expect(keymap.lookup([.char("q")], on: .eval) == .command(.quit))
    }

    @Test func everyBindableCommandHasAKeyAndNoKeyIsBoundTwiceOnAScreen() {
        let keymap = Keymap.standard
        for command in Command.bindable {
            #expect(keymap.bindings.contains { $0.command == command && !$0.sequences.isEmpty }, "\(command.name)")
            #expect(Command(name: command.name) == command)
        }
        for screen in Screen.allCases {
            let sequences = keymap.bindings(for: screen).flatMap(\.sequences)
            #expect(Set(sequences).count == sequences.count, "a key bound twice on \(screen)")
        }
    }

    @Test func overrideFileRebindsAndTheOverrideWins() throws {
        let text = """
        # my keys
        move_down = "n"          # n instead of j
        move_up = ["e", "Up"]
        reject_1 = "R 1"
        undo = "C-z"
        drop = "d"               # d was toggle_diff: it loses the key
        """
        let keymap = try KeymapFile.apply(text, to: .standard, file: "keys.toml")
        #expect(keymap.lookup([.char("n")], on: .compare) == .command(.moveDown))
        #expect(keymap.lookup([.char("j")], on: .compare) == .unbound)
        #expect(keymap.lookup([.char("e")], on: .compare) == .command(.moveUp))
        #expect(keymap.lookup([.up], on: .compare) == .command(.moveUp))
        #expect(keymap.lookup([.char("R"), .char("1")], on: .compare) == .command(.reject(1)))
        #expect(keymap.lookup([.char("!")], on: .compare) == .unbound)
        #expect(keymap.lookup([.ctrl("z")], on: .compare) == .command(.undo))
        #expect(keymap.lookup([.char("d")], on: .compare) == .command(.drop))
    }

    @Test(arguments: [
        ("move_down = \"j\"\nfly = \"f\"", 2, "unknown action `fly`"),
        ("\n\nmove_down \"j\"", 3, "expected `action = \"key\"`"),
        ("move_down = \"Hyper-j\"", 1, "unknown key `Hyper-j`"),
        ("move_down = j", 1, "expected a quoted key or a list of quoted keys, got `j`"),
        ("move_down = [\"j\", \"k\"", 1, "expected a quoted key or a list of quoted keys, got `[\"j\", \"k\"`"),
        ("move_down = \"j\", \"k\"", 1, "expected a quoted key or a list of quoted keys, got `\"j\", \"k\"`"),
        ("move_down = \"\"", 1, "empty key for `move_down`"),
    ])
    func badLinesNameFileAndLine(text: String, line: Int, message: String) {
        #expect(throws: KeymapFileError(file: "keys.toml", line: line, message: message)) {
            try KeymapFile.apply(text, to: .standard, file: "keys.toml")
        }
    }

    @Test func loadingABadFileFallsBackToTheDefaults() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("keys-\(UUID()).toml").path
        try "move_down = \"n\"\nmove_up = \"nope\"\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let (keymap, error) = KeymapFile.load(path: path)
        #expect(keymap == .standard)
        #expect(error?.description == "\(path):2: unknown key `nope`")
        let missing = KeymapFile.load(path: path + ".absent")
        #expect(missing.keymap == .standard && missing.error == nil)
    }

    @Test func keyNamesRoundTripThroughDescriptions() {
        let keys: [Key] = [.char("j"), .char("!"), .up, .pageDown, .enter, .tab, .backTab, .escape, .ctrl("r"),
                           .function(5), .char(" "), .backspace, .home, .delete]
        for key in keys { #expect(Key(name: key.description) == key, "\(key)") }
    }

    @Test func helpIsGeneratedFromTheKeymapAndFiltered() {
        var keymap = Keymap.standard
        let rows = keymap.helpRows(for: .compare)
        #expect(rows.count == keymap.bindings(for: .compare).count)
        #expect(rows.contains { $0.keys == "r 3/#" && $0.name == "reject_3" && $0.summary == "column 3 is rejected" })
        #expect(rows.contains { $0.keys == "K" && $0.summary.contains("k moves up") })
        let filtered = keymap.helpRows(for: .compare, filter: "UNDO")
        #expect(filtered.map(\.name) == ["undo"])
        keymap.rebind(.undo, to: [[.ctrl("z")]])
        #expect(keymap.helpRows(for: .compare, filter: "undo").map(\.keys) == ["C-z"])
        #expect(keymap.helpRows(for: .train).contains { $0.name == "pause" })
        #expect(!keymap.helpRows(for: .train).contains { $0.name == "drop" })
        // The same keys say what they do on each screen.
        #expect(rows.contains { $0.name == "move_down" && $0.summary == "next prompt" })
        #expect(keymap.helpRows(for: .train).contains { $0.name == "move_up" && $0.summary == "scroll the log back (older lines)" })
        #expect(keymap.helpRows(for: .train).contains { $0.name == "scroll_up" && $0.summary == "scroll the log back a page" })
        #expect(keymap.helpRows(for: .inspect).contains { $0.name == "move_down" && $0.summary == "scroll the rendered prompts down" })
    }

    @Test func statusHintsFollowTheKeymap() {
        var keymap = Keymap.standard
        let hints = keymap.hints(for: .compare).map { "\($0.key) \($0.action)" }
        #expect(hints.prefix(4) == ["q quit", "? help", "t train", "j move"])
        keymap.rebind(.quit, to: [[.ctrl("q")]])
        #expect(keymap.hints(for: .train).first == KeyHint("C-q", "quit"))
        #expect(keymap.hints(for: .train).contains(KeyHint("p", "pause")))
    }
}
