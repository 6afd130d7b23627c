import Collate  // TextFile
import Foundation  // URL
import TUIKit

/// A mistake in a keys file, with where it is.
public struct KeymapFileError: Error, Hashable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var message: String

    public var description: String { "\(file):\(line): \(message)" }
}

/// Key overrides in a small TOML-like file, one binding a line:
///
/// ```
/// # comments and blank lines are ignored
/// move_down = "j"
/// move_up = ["k", "Up"]
/// reject_1 = "r 1"        # a sequence: r, then 1
/// redo = "C-r"
/// ```
/// Key names are those the help shows (`Key.description`): a character, Up, Down, Left,
/// Right, Home, End, PgUp, PgDn, Ins, Del, Enter, Tab, S-Tab, Esc, Backspace, Space, C-x, F1...F24.
public enum KeymapFile {
    /// Applies the file's overrides to `base`. Any bad line rejects the whole file (a half
    /// applied keymap would surprise more than the defaults).
    /// A key taken from another command is that command's loss (the override wins), but a
    /// binding that makes another unreachable is an error naming both: a key alone that
    /// starts another's sequence (`move_down = "r"` would swallow `r 1`), and taking quit's
    /// last key (quit is always reachable).
    public static func apply(_ text: String, to base: Keymap, file: String) throws(KeymapFileError) -> Keymap {
        var keymap = base
        /// The line and text of each command the file binds (the last one wins).
        var written: [Command: (line: Int, text: String)] = [:]
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let lineNumber = index + 1
            func fail(_ message: String) -> KeymapFileError {
                KeymapFileError(file: file, line: lineNumber, message: message)
            }
            let line = stripComment(String(rawLine)).trimmingCharacters(in: .whitespaces)
            if line.isEmpty { continue }
            guard let equals = line.firstIndex(of: "=") else { throw fail("expected `action = \"key\"`") }
            let name = line[..<equals].trimmingCharacters(in: .whitespaces)
            let value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
            guard let command = Command(name: name) else { throw fail("unknown action `\(name)`") }
            guard let strings = parseStrings(value) else {
                throw fail("expected a quoted key or a list of quoted keys, got `\(value)`")
            }
            var sequences: [[Key]] = []
            for string in strings {
                let parts = string.split(separator: " ").map(String.init)
                var sequence: [Key] = []
                for part in parts {
                    guard let key = Key(name: part) else { throw fail("unknown key `\(part)`") }
                    sequence.append(key)
                }
                guard !sequence.isEmpty else { throw fail("empty key for `\(name)`") }
                sequences.append(sequence)
            }
            keymap.rebind(command, to: sequences)
            written[command] = (lineNumber, line)
        }
        try checkReachable(keymap, written: written, file: file)
        return keymap
    }

    static func checkReachable(_ keymap: Keymap, written: [Command: (line: Int, text: String)],
                               file: String) throws(KeymapFileError) {
        if let quit = keymap.bindings.first(where: { $0.command == .quit }), quit.sequences.isEmpty,
           let thief = written.filter({ $0.key != .quit }).max(by: { $0.value.line < $1.value.line }) {
            throw KeymapFileError(file: file, line: thief.value.line,
                                  message: "`\(thief.value.text)` takes quit's last key: quit must stay reachable "
                                      + "(bind quit to another key in this file too)")
        }
        func overlap(_ a: KeyContext, _ b: KeyContext) -> Bool { a == .global || b == .global || a == b }
        func text(_ keys: [Key]) -> String { keys.map(\.description).joined(separator: " ") }
        for first in keymap.bindings {
            for second in keymap.bindings where first.command != second.command && overlap(first.context, second.context) {
                guard written[first.command] != nil || written[second.command] != nil else { continue }
                for short in first.sequences {
                    for long in second.sequences where long.count > short.count && Array(long.prefix(short.count)) == short {
                        let culprit = [first.command, second.command].compactMap { written[$0] }.max { $0.line < $1.line }
                        throw KeymapFileError(
                            file: file, line: culprit?.line ?? 0,
                            message: "\(first.command.name) (\(text(short))) shadows \(second.command.name) (\(text(long))): "
                                + "\(text(short)) alone would run \(first.command.name) before the rest could be typed")
                    }
                }
            }
        }
    }

    /// Reads a keys file; a missing file means no overrides. On any error returns the
    /// defaults and the error, for the status line.
    public static func load(path: String, base: Keymap = .standard) -> (keymap: Keymap, error: KeymapFileError?) {
        guard FileManager.default.fileExists(atPath: path) else { return (base, nil) }
        let text: String
        do {
            text = try TextFile.read(URL(fileURLWithPath: path))
        } catch {
            return (base, KeymapFileError(file: path, line: error.line ?? 0, message: error.reason))
        }
        do {
            return (try apply(text, to: base, file: path), nil)
        } catch {
            return (base, error)
        }
    }

    /// Drops a `#` comment that is not inside quotes.
    static func stripComment(_ line: String) -> String {
        var inQuotes = false
        var result = ""
        for character in line {
            if character == "\"" { inQuotes.toggle() }
            if character == "#", !inQuotes { break }
            result.append(character)
        }
        return result
    }

    /// `"j"` or `["k", "Up"]` -> the strings; nil if malformed.
    static func parseStrings(_ value: String) -> [String]? {
        var body = Substring(value)
        let isList = body.hasPrefix("[")
        if isList {
            guard body.hasSuffix("]") else { return nil }
            body = body.dropFirst().dropLast()
        }
        var strings: [String] = []
        var rest = body.drop { $0 == " " }
        while !rest.isEmpty {
            guard rest.first == "\"" else { return nil }
            rest = rest.dropFirst()
            guard let close = rest.firstIndex(of: "\"") else { return nil }
            strings.append(String(rest[..<close]))
            rest = rest[rest.index(after: close)...].drop { $0 == " " }
            if rest.first == "," {
                guard isList else { return nil }
                rest = rest.dropFirst().drop { $0 == " " }
            } else if !rest.isEmpty {
                return nil
            }
        }
        guard !strings.isEmpty, isList || strings.count == 1 else { return nil }
        return strings
    }
}

extension Key {
    /// The key named as `description` shows it ("j", "C-r", "PgDn", "F5", "Space").
    public init?(name: String) {
        let named: [String: Key] = [
            "Up": .up, "Down": .down, "Left": .left, "Right": .right, "Home": .home, "End": .end,
            "PgUp": .pageUp, "PgDn": .pageDown, "Ins": .insert, "Del": .delete, "Enter": .enter,
            "Tab": .tab, "S-Tab": .backTab, "Esc": .escape, "Backspace": .backspace, "Space": .char(" "),
        ]
        if let key = named[name] {
            self = key
        } else if name.count == 1, let character = name.first {
            self = .char(character)
        } else if name.hasPrefix("C-"), name.count == 3, let letter = name.last, letter.isLetter {
            self = .ctrl(Character(letter.lowercased()))
        } else if name.hasPrefix("F"), let number = Int(name.dropFirst()), (1...24).contains(number) {
            self = .function(number)
        } else {
            return nil
        }
    }
}
