/// A terminal colour: the terminal's own default, or an index of the xterm 256-colour
/// palette (0...15 are the 16 ANSI colours, 16...231 a 6x6x6 cube, 232...255 greys).
public enum TerminalColor: Hashable, Sendable {
    case terminalDefault
    case indexed(UInt8)
}

/// How many colours the terminal can show, after `NO_COLOR` is honoured.
public enum ColorDepth: Hashable, Sendable {
    case monochrome
    case sixteen
    case full256

    /// `NO_COLOR` set to anything non-empty (https://no-color.org) means monochrome;
    /// otherwise what the terminal reports (ncurses `COLORS`, 0 without colour support).
    public static func detect(environment: [String: String], terminalColors: Int) -> ColorDepth {
        if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return .monochrome }
        if terminalColors >= 256 { return .full256 }
        if terminalColors >= 8 { return .sixteen }
        return .monochrome
    }
}

/// How a role looks: colours plus attributes.
public struct Appearance: Hashable, Sendable {
    public var foreground: TerminalColor
    public var background: TerminalColor
    public var attributes: TextAttributes

    public init(_ foreground: TerminalColor = .terminalDefault, on background: TerminalColor = .terminalDefault,
                _ attributes: TextAttributes = []) {
        self.foreground = foreground
        self.background = background
        self.attributes = attributes
    }
}

/// Maps semantic roles to appearances. Colours are given in the 256-colour palette and
/// reduced to the nearest of the 16 ANSI colours on 16-colour terminals; on monochrome
/// terminals each role falls back to attributes alone (`monochromeAttributes`), so chosen,
/// rejected and the selection stay distinguishable without colour.
public struct Theme: Hashable, Sendable {
    public var name: String
    public var roles: [StyleRole: Appearance]
    /// Heat-map levels, cold to hot (`StyleRole.heat(n)` picks one, clamped).
    public var heat: [Appearance]
    /// Chart series colours (`StyleRole.series(n)` cycles through them).
    public var series: [Appearance]

    public init(name: String, roles: [StyleRole: Appearance], heat: [Appearance], series: [Appearance]) {
        self.name = name
        self.roles = roles
        self.heat = heat
        self.series = series
    }

    /// The appearance of a cell style at a colour depth.
    public func appearance(for style: Style, depth: ColorDepth) -> Appearance {
        if depth == .monochrome {
            return Appearance(.terminalDefault, on: .terminalDefault,
                              Self.monochromeAttributes(style.role).union(style.attributes))
        }
        var appearance = colourAppearance(style.role)
        appearance.attributes.formUnion(style.attributes)
        if depth == .sixteen {
            appearance.foreground = Self.reducedTo16(appearance.foreground)
            appearance.background = Self.reducedTo16(appearance.background)
        }
        return appearance
    }

    private func colourAppearance(_ role: StyleRole) -> Appearance {
        switch role {
        case .heat(let level):
            guard !heat.isEmpty else { return roles[.normal] ?? Appearance() }
            return heat[min(max(0, level), heat.count - 1)]
        case .series(let number):
            guard !series.isEmpty else { return roles[.normal] ?? Appearance() }
            return series[((number % series.count) + series.count) % series.count]
        default:
            return roles[role] ?? roles[.normal] ?? Appearance()
        }
    }

    /// Attributes that carry each role's meaning without colour.
    public static func monochromeAttributes(_ role: StyleRole) -> TextAttributes {
        switch role {
        case .normal, .border, .series: return []
        case .muted: return .dim
        case .accent, .title, .keyHint, .success: return .bold
        case .chosen: return [.bold, .underline]
        case .rejected: return .dim
        case .selection, .statusBar, .inputCursor: return .reverse
        case .warning: return [.bold, .underline]
        case .error: return [.bold, .reverse]
        case .heat(let level): return level >= StyleRole.heatLevels / 2 ? .bold : []
        }
    }

    /// The nearest ANSI colour (0...15) to a 256-palette colour, by squared RGB distance.
    public static func reducedTo16(_ color: TerminalColor) -> TerminalColor {
        guard case .indexed(let index) = color, index >= 16 else { return color }
        let target = rgb(index)
        var best: UInt8 = 0
        var bestDistance = Int.max
        for candidate in UInt8(0)...15 {
            let value = rgb(candidate)
            let distance = (0..<3).reduce(0) { $0 + (value[$1] - target[$1]) * (value[$1] - target[$1]) }
            if distance < bestDistance {
                bestDistance = distance
                best = candidate
            }
        }
        return .indexed(best)
    }

    /// The xterm palette's RGB values (0...255 each) for a colour index.
    public static func rgb(_ index: UInt8) -> [Int] {
        let ansi: [[Int]] = [
            [0, 0, 0], [205, 0, 0], [0, 205, 0], [205, 205, 0], [0, 0, 238], [205, 0, 205], [0, 205, 205], [229, 229, 229],
            [127, 127, 127], [255, 0, 0], [0, 255, 0], [255, 255, 0], [92, 92, 255], [255, 0, 255], [0, 255, 255], [255, 255, 255],
        ]
        let value = Int(index)
        if value < 16 { return ansi[value] }
        if value >= 232 { let grey = 8 + (value - 232) * 10; return [grey, grey, grey] }
        let cube = value - 16
        let level = { (step: Int) in step == 0 ? 0 : 55 + step * 40 }
        return [level(cube / 36), level((cube / 6) % 6), level(cube % 6)]
    }
}

extension Theme {
    /// The default theme for dark terminal backgrounds.
    public static let dark = Theme(
        name: "dark",
        roles: [
            .normal: Appearance(),
            .muted: Appearance(.indexed(245)),
            .accent: Appearance(.indexed(75), on: .terminalDefault, .bold),
            .title: Appearance(.indexed(252), on: .terminalDefault, .bold),
            .border: Appearance(.indexed(240)),
            .selection: Appearance(.indexed(255), on: .indexed(24)),
            .chosen: Appearance(.indexed(114), on: .terminalDefault, .bold),
            .rejected: Appearance(.indexed(203)),
            .warning: Appearance(.indexed(214), on: .terminalDefault, .bold),
            .error: Appearance(.indexed(231), on: .indexed(160), .bold),
            .success: Appearance(.indexed(114)),
            .keyHint: Appearance(.indexed(75), on: .indexed(236), .bold),
            .statusBar: Appearance(.indexed(250), on: .indexed(236)),
            .inputCursor: Appearance(.terminalDefault, on: .terminalDefault, .reverse),
        ],
        heat: [17, 18, 24, 30, 36, 142, 208, 196].map { Appearance(.indexed(231), on: .indexed($0)) },
        series: [75, 214, 114, 203, 177, 229].map { Appearance(.indexed($0)) }
    )
}
