/// One terminal cell. A wide grapheme (CJK, emoji) sits in its first cell and marks the
/// cell to its right as a continuation, which holds nothing of its own; presenting a
/// buffer writes the grapheme once and skips the continuation.
public struct Cell: Hashable, Sendable {
    public private(set) var grapheme: Character
    public var style: Style
    /// Cells this cell's grapheme covers: 0 for a continuation, otherwise 1 or 2. Computed
    /// once here, because buffers ask for it on every write.
    public private(set) var width: Int8

    public init(_ grapheme: Character = " ", style: Style = .normal) {
        self.init(grapheme, style: style, width: max(1, grapheme.displayWidth))
    }

    init(_ grapheme: Character, style: Style, width: Int) {
        self.grapheme = grapheme
        self.style = style
        self.width = Int8(width)
    }

    /// The right half of a wide grapheme.
    public static func continuation(style: Style) -> Cell {
        Cell(" ", style: style, width: 0)
    }

    public static let blank = Cell()

    public var isContinuation: Bool { width == 0 }
}

/// A piece of text in one style.
public struct Span: Hashable, Sendable {
    public var text: String
    public var style: Style

    public init(_ text: String, style: Style = .normal) {
        self.text = text
        self.style = style
    }

    public init(_ text: String, _ role: StyleRole) {
        self.init(text, style: Style(role))
    }
}

/// One line of styled text made of spans.
public struct Line: Hashable, Sendable, ExpressibleByStringLiteral {
    public var spans: [Span]

    public init(_ spans: [Span]) { self.spans = spans }
    public init(_ text: String, style: Style = .normal) { self.spans = [Span(text, style: style)] }
    public init(stringLiteral value: String) { self.init(value) }

    public var plainText: String { spans.map(\.text).joined() }
    public var displayWidth: Int { spans.reduce(0) { $0 + $1.text.displayWidth } }
}
