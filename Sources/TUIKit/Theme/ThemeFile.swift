/// A mistake in a theme file, with where it is.
public struct ThemeFileError: Error, Hashable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var message: String

    public init(file: String, line: Int, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    public var description: String { "\(file):\(line): \(message)" }
}

/// Themes as text files: one role a line, `role = appearance`, where an appearance is a
/// foreground colour, optionally `on` a background colour, then attributes; a colour is
/// a 256-palette index or `default`. `heat` and `series` take comma-separated lists.
///
/// ```
/// # dark
/// muted     = 245
/// selection = 255 on 24
/// chosen    = 114 bold
/// heat      = 231 on 17, 231 on 18, 231 on 24
/// series    = 75, 214
/// ```
/// Roles not given fall back to `normal` (as `Theme.appearance` does).
extension Theme {
    public static let roleNames: [String: StyleRole] = [
        "normal": .normal, "muted": .muted, "accent": .accent, "title": .title, "border": .border,
        "selection": .selection, "chosen": .chosen, "rejected": .rejected, "warning": .warning, "error": .error,
        "success": .success, "key-hint": .keyHint, "status-bar": .statusBar, "input-cursor": .inputCursor,
    ]

    public static func parse(_ text: String, name: String, file: String) throws(ThemeFileError) -> Theme {
        var roles: [StyleRole: Appearance] = [:]
        var heat: [Appearance] = []
        var series: [Appearance] = []
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let fail = { (message: String) in ThemeFileError(file: file, line: index + 1, message: message) }
            let line = rawLine.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let trimmed = line.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
            if trimmed.isEmpty { continue }
            let parts = trimmed.split(separator: "=", maxSplits: 1).map { $0.split(separator: " ").joined(separator: " ") }
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else { throw fail("expected `role = colour`") }
            let key = parts[0]
            switch key {
            case "heat", "series":
                var list: [Appearance] = []
                for item in parts[1].split(separator: ",") {
                    list.append(try parseAppearance(String(item), fail: fail))
                }
                if key == "heat" { heat = list } else { series = list }
            default:
                guard let role = roleNames[key] else {
                    throw fail("unknown role `\(key)` (known: \(roleNames.keys.sorted().joined(separator: ", ")), heat, series)")
                }
                roles[role] = try parseAppearance(parts[1], fail: fail)
            }
        }
        return Theme(name: name, roles: roles, heat: heat, series: series)
    }

    static func parseAppearance(_ text: String, fail: (String) -> ThemeFileError) throws(ThemeFileError) -> Appearance {
        let words = text.split(separator: " ").map(String.init)
        guard let first = words.first else { throw fail("empty appearance") }
        var appearance = Appearance(try parseColor(first, fail: fail))
        var index = 1
        if index < words.count, words[index] == "on" {
            guard index + 1 < words.count else { throw fail("`on` needs a background colour") }
            appearance.background = try parseColor(words[index + 1], fail: fail)
            index += 2
        }
        let attributeNames: [String: TextAttributes] = [
            "bold": .bold, "underline": .underline, "reverse": .reverse, "dim": .dim, "italic": .italic,
        ]
        for word in words[index...] {
            guard let attribute = attributeNames[word] else {
                throw fail("unknown attribute `\(word)` (bold, underline, reverse, dim, italic)")
            }
            appearance.attributes.insert(attribute)
        }
        return appearance
    }

    static func parseColor(_ word: String, fail: (String) -> ThemeFileError) throws(ThemeFileError) -> TerminalColor {
        if word == "default" { return .terminalDefault }
        guard let index = UInt8(word) else { throw fail("`\(word)` is not a colour (0...255 or default)") }
        return .indexed(index)
    }
}
