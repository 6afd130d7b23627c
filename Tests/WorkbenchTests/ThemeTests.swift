import Foundation
import Testing
import TUIKit
@testable import Workbench

@Suite struct ThemeFileTests {
    static let themesDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("themes").path

    @Test func shippedThemesLoadAndDarkMatchesTheBuiltIn() throws {
        let library = ThemeLibrary.load(directory: Self.themesDirectory)
        #expect(library.errors.isEmpty, "\(library.errors)")
        #expect(library.names == ["dark", "high-contrast", "light"])
        #expect(library.themes["dark"] == Theme.dark)
        for theme in library.themes.values {
            #expect(theme.heat.count == StyleRole.heatLevels, "\(theme.name)")
            #expect(Set(theme.roles.keys) == Set(Theme.roleNames.values), "\(theme.name) sets every role")
        }
    }

    @Test func appearanceSyntax() throws {
        let theme = try Theme.parse("accent = 75 on 236 bold underline\nmuted = default dim\nseries = 1, 2 on 3",
                                    name: "t", file: "t.theme")
        #expect(theme.roles[.accent] == Appearance(.indexed(75), on: .indexed(236), [.bold, .underline]))
        #expect(theme.roles[.muted] == Appearance(.terminalDefault, on: .terminalDefault, .dim))
        #expect(theme.series == [Appearance(.indexed(1)), Appearance(.indexed(2), on: .indexed(3))])
    }

    @Test(arguments: [
        ("normal = default\nchoosen = 114", 2, "unknown role `choosen`"),
        ("muted = 300", 1, "`300` is not a colour (0...255 or default)"),
        ("\n# c\naccent = 75 blink", 3, "unknown attribute `blink` (bold, underline, reverse, dim, italic)"),
        ("selection = 255 on", 1, "`on` needs a background colour"),
        ("heat 1 2", 1, "expected `role = colour`"),
    ])
    func brokenLinesNameFileAndLine(text: String, line: Int, message: String) {
        #expect(throws: ThemeFileError(file: "x.theme", line: line, message: message.hasPrefix("unknown role")
            ? message + " (known: \(Theme.roleNames.keys.sorted().joined(separator: ", ")), heat, series)" : message)) {
            try Theme.parse(text, name: "x", file: "x.theme")
        }
    }

    @Test func aBrokenThemeFallsBackToDarkWithAMessage() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("themes-\(UUID())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try "normal = default\nmuted = grey\n".write(to: directory.appendingPathComponent("broken.theme"),
                                                     atomically: true, encoding: .utf8)
        let library = ThemeLibrary.load(directory: directory.path)
        #expect(library.names == ["dark"])
        let (theme, message) = library.theme(named: "broken")
        #expect(theme == .dark)
        #expect(message == "\(directory.path)/broken.theme:2: `grey` is not a colour (0...255 or default); using dark")
        #expect(library.theme(named: "nope").message == "no theme named nope; using dark")
    }

    @Test func paletteSwitchesTheTerminalsTheme() throws {
        let terminal = MemoryTerminal(size: Size(width: 80, height: 24))
        let library = ThemeLibrary.load(directory: Self.themesDirectory)
        let app = try WorkbenchApp(backend: MemoryBackend(), terminal: terminal, themes: library, clock: { fixedNow })
        for key in keys(":theme_light") + [.enter] { app.handle(.key(key)) }
        #expect(terminal.theme.name == "light")
        #expect(app.state.themeName == "light")
        #expect(app.state.message == StatusMessage(text: "theme light", isError: false))
    }

    @Test func startupNoticesShowInTheFirstFrame() throws {
        let terminal = MemoryTerminal(size: Size(width: 80, height: 24))
        let app = try WorkbenchApp(backend: MemoryBackend(), terminal: terminal, themeName: "solarized",
                                   notices: ["keys.toml:3: unknown key `Hyper-j`"], clock: { fixedNow })
        #expect(terminal.theme == .dark)
        try app.present()
        #expect(terminal.screen.lines[23].hasPrefix(" keys.toml:3: unknown key `Hyper-j`; no theme named solarized; using dark"))
    }
}
