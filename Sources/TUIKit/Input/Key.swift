/// A key press, as the UI sees it after the terminal layer decoded it.
public enum Key: Hashable, Sendable, CustomStringConvertible {
    /// A printable grapheme (letters, digits, punctuation, CJK, emoji...).
    case char(Character)
    case up, down, left, right
    case home, end, pageUp, pageDown, insert, delete
    case enter, tab, backTab, escape, backspace
    /// Control plus a letter, stored lowercase: `.ctrl("r")` is ctrl-r.
    case ctrl(Character)
    /// F1 ... F24.
    case function(Int)
    /// The terminal changed size; the UI re-reads the size and redraws.
    case resize

    /// Decodes a character read from a terminal in raw mode: C0 control codes are the
    /// keys that produce them (13 enter, 9 tab, 27 escape, 8/127 backspace, 1...26 ctrl-a...z),
    /// everything else is a printable character. Returns nil for codes no key produces.
    public init?(terminalCharacter scalar: Unicode.Scalar) {
        switch scalar.value {
        case 9: self = .tab
        case 10, 13: self = .enter
        case 27: self = .escape
        case 8, 127: self = .backspace
        case 1...26: self = .ctrl(Character(Unicode.Scalar(UInt8(scalar.value) + 0x60)))
        case 0, 28...31, 0x80..<0xA0: return nil
        default: self = .char(Character(scalar))
        }
    }

    /// How key hints and the help show the key: "j", "Enter", "C-r", "F5", "S-Tab".
    public var description: String {
        switch self {
        case .char(" "): return "Space"
        case .char(let character): return String(character)
        case .up: return "Up"
        case .down: return "Down"
        case .left: return "Left"
        case .right: return "Right"
        case .home: return "Home"
        case .end: return "End"
        case .pageUp: return "PgUp"
        case .pageDown: return "PgDn"
        case .insert: return "Ins"
        case .delete: return "Del"
        case .enter: return "Enter"
        case .tab: return "Tab"
        case .backTab: return "S-Tab"
        case .escape: return "Esc"
        case .backspace: return "Backspace"
        case .ctrl(let character): return "C-\(character)"
        case .function(let number): return "F\(number)"
        case .resize: return "Resize"
        }
    }
}

/// A mouse event at a cell of the screen.
public struct MouseEvent: Hashable, Sendable {
    public enum Kind: Hashable, Sendable {
        /// Button 1 (left), 2 (middle) or 3 (right) pressed or clicked.
        case press(button: Int)
        case release(button: Int)
        case scrollUp
        case scrollDown
    }

    public var kind: Kind
    public var position: Point

    public init(_ kind: Kind, at position: Point) {
        self.kind = kind
        self.position = position
    }
}

/// What the event loop hands to the application.
public enum Event: Hashable, Sendable {
    case key(Key)
    case mouse(MouseEvent)
    /// A worker thread has news (a token generated, a training step done): pull it.
    case wake
}
