/// The text and cursor of a single-line input field, edited with the keys of a shell's
/// line editor. A value type: the application keeps it in its state.
public struct TextInputState: Hashable, Sendable {
    public private(set) var characters: [Character]
    /// Cursor position as a grapheme index, 0...characters.count.
    public private(set) var cursor: Int

    public init(_ text: String = "") {
        characters = Array(text)
        cursor = characters.count
    }

    public var text: String { String(characters) }

    /// Applies one editing key; returns false for keys the field does not handle (Enter,
    /// Esc, arrows up/down...) so the caller can act on them.
    ///
    /// | key | effect |
    /// |---|---|
    /// | printable char | insert at the cursor |
    /// | Backspace / Delete | remove the grapheme before / under the cursor |
    /// | Left / Right, C-b / C-f | move one grapheme |
    /// | Home / End, C-a / C-e | move to the start / end |
    /// | C-u | delete from the start to the cursor |
    /// | C-k | delete from the cursor to the end |
    /// | C-w | delete the word before the cursor (and the spaces after it) |
    @discardableResult
    public mutating func handle(_ key: Key) -> Bool {
        switch key {
        case .char(let character):
            guard character.displayWidth > 0 else { return false }
            characters.insert(character, at: cursor)
            cursor += 1
        case .backspace:
            if cursor > 0 {
                characters.remove(at: cursor - 1)
                cursor -= 1
            }
        case .delete, .ctrl("d"):
            if cursor < characters.count { characters.remove(at: cursor) }
        case .left, .ctrl("b"): cursor = max(0, cursor - 1)
        case .right, .ctrl("f"): cursor = min(characters.count, cursor + 1)
        case .home, .ctrl("a"): cursor = 0
        case .end, .ctrl("e"): cursor = characters.count
        case .ctrl("u"):
            characters.removeSubrange(0..<cursor)
            cursor = 0
        case .ctrl("k"):
            characters.removeSubrange(cursor..<characters.count)
        case .ctrl("w"):
            var start = cursor
            while start > 0, characters[start - 1] == " " { start -= 1 }
            while start > 0, characters[start - 1] != " " { start -= 1 }
            characters.removeSubrange(start..<cursor)
            cursor = start
        default:
            return false
        }
        return true
    }
}

/// Draws a `TextInputState` on one row: an optional prompt, then the text scrolled
/// horizontally so the cursor (a reversed cell) stays visible.
public struct TextInput: Widget, Sendable {
    public var state: TextInputState
    public var prompt: String
    public var style: Style
    public var cursorStyle: Style
    public var showsCursor: Bool

    public init(_ state: TextInputState, prompt: String = "", style: Style = .normal,
                cursorStyle: Style = Style(.inputCursor, .reverse), showsCursor: Bool = true) {
        self.state = state
        self.prompt = prompt
        self.style = style
        self.cursorStyle = cursorStyle
        self.showsCursor = showsCursor
    }

    /// The index of the first grapheme shown so that the cursor cell fits in `width` cells.
    public static func firstVisible(characters: [Character], cursor: Int, width: Int) -> Int {
        guard width > 0 else { return cursor }
        var used = 1  // the cursor's own cell (the grapheme under it, or a blank at the end)
        if cursor < characters.count { used = max(1, characters[cursor].displayWidth) }
        var first = cursor
        while first > 0, used + characters[first - 1].displayWidth <= width {
            first -= 1
            used += characters[first].displayWidth
        }
        return first
    }

    public func render(in area: Rect, buffer: inout Buffer) {
        guard !area.isEmpty else { return }
        let row = area.row(0)
        buffer.fill(row, with: Cell(" ", style: style))
        let promptWidth = buffer.write(prompt, x: row.x, y: row.y, style: style, maxWidth: row.width)
        let room = row.width - promptWidth
        guard room > 0 else { return }
        let characters = state.characters
        let first = Self.firstVisible(characters: characters, cursor: state.cursor, width: room)
        var x = row.x + promptWidth
        var index = first
        while index < characters.count, x < row.maxX {
            let cellStyle = showsCursor && index == state.cursor ? cursorStyle : style
            let used = buffer.write(String(characters[index]), x: x, y: row.y, style: cellStyle, maxWidth: row.maxX - x)
            if used == 0 { break }
            x += used
            index += 1
        }
        if showsCursor, state.cursor == characters.count, x < row.maxX {
            buffer.write(" ", x: x, y: row.y, style: cursorStyle)
        }
    }
}
