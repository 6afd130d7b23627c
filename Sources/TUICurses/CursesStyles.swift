import CNcursesw
import TUIKit

/// Turns cell styles into ncurses attributes and colour pairs. Pairs are allocated on
/// first use (pair 0 is the terminal default); when the terminal runs out of pairs the
/// remaining styles keep their attributes and use pair 0.
struct CursesStyles {
    let theme: Theme
    let depth: ColorDepth
    private var pairs: [ColorPairKey: Int32] = [:]
    private var cache: [Style: (attributes: attr_t, pair: Int32)] = [:]
    private let maxPairs: Int32
    private let terminalColors: Int32

    private struct ColorPairKey: Hashable {
        var foreground: TerminalColor
        var background: TerminalColor
    }

    init(theme: Theme, depth: ColorDepth, maxPairs: Int32, terminalColors: Int32) {
        self.theme = theme
        self.depth = depth
        self.maxPairs = maxPairs
        self.terminalColors = terminalColors
    }

    mutating func resolve(_ style: Style) -> (attributes: attr_t, pair: Int32) {
        if let known = cache[style] { return known }
        let appearance = theme.appearance(for: style, depth: depth)
        let resolved = (Self.attributes(appearance.attributes), pair(for: appearance))
        cache[style] = resolved
        return resolved
    }

    private mutating func pair(for appearance: Appearance) -> Int32 {
        guard depth != .monochrome else { return 0 }
        let key = ColorPairKey(foreground: appearance.foreground, background: appearance.background)
        if key.foreground == .terminalDefault, key.background == .terminalDefault { return 0 }
        if let known = pairs[key] { return known }
        let number = Int32(pairs.count + 1)
        guard number < maxPairs else { return 0 }
        guard init_extended_pair(number, colorNumber(key.foreground), colorNumber(key.background)) != ERR else {
            return 0
        }
        pairs[key] = number
        return number
    }

    /// -1 is the terminal's default colour (enabled by use_default_colors()); on an
    /// 8-colour terminal the bright colours 8...15 become their dark twins 0...7.
    private func colorNumber(_ color: TerminalColor) -> Int32 {
        switch color {
        case .terminalDefault: return -1
        case .indexed(let index): return Int32(index) < terminalColors ? Int32(index) : Int32(index) % 8
        }
    }

    private static func attributes(_ attributes: TextAttributes) -> attr_t {
        var result = collate_attr_normal()
        if attributes.contains(.bold) { result |= collate_attr_bold() }
        if attributes.contains(.underline) { result |= collate_attr_underline() }
        if attributes.contains(.reverse) { result |= collate_attr_reverse() }
        if attributes.contains(.dim) { result |= collate_attr_dim() }
        if attributes.contains(.italic) { result |= collate_attr_italic() }
        return result
    }
}
