/// What a piece of text means, not what colour it is: a theme maps each role to colours
/// and attributes for 256-colour, 16-colour and monochrome terminals.
public enum StyleRole: Hashable, Sendable {
    case normal
    case muted
    case accent
    case title
    case border
    case selection
    case chosen
    case rejected
    case warning
    case error
    case success
    case keyHint
    case statusBar
    case inputCursor
    /// A heat-map level, 0 (cold) ... `heatLevels - 1` (hot); larger values are clamped.
    case heat(Int)
    /// The colour of chart series number `n` (cycled by the theme).
    case series(Int)

    /// The number of distinct heat levels themes provide.
    public static let heatLevels = 8
}

/// Emphasis that terminals can show independently of colour.
public struct TextAttributes: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let bold = TextAttributes(rawValue: 1 << 0)
    public static let underline = TextAttributes(rawValue: 1 << 1)
    public static let reverse = TextAttributes(rawValue: 1 << 2)
    public static let dim = TextAttributes(rawValue: 1 << 3)
    public static let italic = TextAttributes(rawValue: 1 << 4)
}

/// The style of one cell: a semantic role plus extra attributes added by the widget
/// (for example the selected row of a list is `.selection` and may add `.bold`).
public struct Style: Hashable, Sendable {
    public var role: StyleRole
    public var attributes: TextAttributes

    public init(_ role: StyleRole = .normal, _ attributes: TextAttributes = []) {
        self.role = role
        self.attributes = attributes
    }

    public static let normal = Style(.normal)

    public func adding(_ extra: TextAttributes) -> Style {
        Style(role, attributes.union(extra))
    }
}
