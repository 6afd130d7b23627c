import Testing
import Dispatch
@testable import TUIKit

@Suite struct KeyTests {
    @Test(arguments: [
        (13, Key.enter), (10, .enter), (9, .tab), (27, .escape), (127, .backspace), (8, .backspace),
        (1, .ctrl("a")), (18, .ctrl("r")), (21, .ctrl("u")), (23, .ctrl("w")), (26, .ctrl("z")),
        (0x6A, .char("j")), (0x21, .char("!")), (0x4E2D, .char("中")), (0x20, .char(" ")),
    ] as [(UInt32, Key)])
    func terminalCharacters(code: UInt32, expected: Key) {
        #expect(Key(terminalCharacter: Unicode.Scalar(code)!) == expected)
    }

    @Test func codesNoKeyProducesAreRejected() {
        #expect(Key(terminalCharacter: "\u{0}") == nil)
        #expect(Key(terminalCharacter: "\u{1C}") == nil)
        #expect(Key(terminalCharacter: "\u{85}") == nil)
    }

    @Test func descriptionsForHints() {
        #expect([Key.ctrl("r"), .function(5), .backTab, .char(" "), .char("?"), .pageDown].map(\.description)
                == ["C-r", "F5", "S-Tab", "Space", "?", "PgDn"])
    }
}

@Suite struct ThemeTests {
    @Test func colourDepthHonoursNoColor() {
        #expect(ColorDepth.detect(environment: ["NO_COLOR": "1"], terminalColors: 256) == .monochrome)
        #expect(ColorDepth.detect(environment: ["NO_COLOR": ""], terminalColors: 256) == .full256)
        #expect(ColorDepth.detect(environment: [:], terminalColors: 16) == .sixteen)
        #expect(ColorDepth.detect(environment: [:], terminalColors: 8) == .sixteen)
        #expect(ColorDepth.detect(environment: [:], terminalColors: 0) == .monochrome)
    }

    @Test func paletteColoursReduceToTheNearestAnsiColour() {
        #expect(Theme.reducedTo16(.indexed(196)) == .indexed(9))   // (255,0,0) bright red
        #expect(Theme.reducedTo16(.indexed(16)) == .indexed(0))    // black
        #expect(Theme.reducedTo16(.indexed(231)) == .indexed(15))  // white
        #expect(Theme.reducedTo16(.indexed(4)) == .indexed(4))     // already ANSI
        #expect(Theme.reducedTo16(.terminalDefault) == .terminalDefault)
        #expect(Theme.rgb(67) == [95, 135, 175])                   // 16 + 36*1 + 6*2 + 3
        #expect(Theme.rgb(244) == [128, 128, 128])
    }

    @Test func monochromeKeepsMeaningInAttributes() {
        let theme = Theme.dark
        let chosen = theme.appearance(for: Style(.chosen), depth: .monochrome)
        #expect(chosen.foreground == .terminalDefault && chosen.attributes == [.bold, .underline])
        #expect(theme.appearance(for: Style(.selection, .bold), depth: .monochrome).attributes == [.reverse, .bold])
        #expect(theme.appearance(for: Style(.muted), depth: .monochrome).attributes == .dim)
    }

    @Test func heatIsClampedAndSeriesCycle() {
        let theme = Theme.dark
        #expect(theme.appearance(for: Style(.heat(99)), depth: .full256) == theme.heat[theme.heat.count - 1])
        #expect(theme.appearance(for: Style(.heat(-3)), depth: .full256) == theme.heat[0])
        #expect(theme.appearance(for: Style(.series(theme.series.count)), depth: .full256) == theme.series[0])
        let sixteen = theme.appearance(for: Style(.accent), depth: .sixteen)
        if case .indexed(let index) = sixteen.foreground { #expect(index < 16) } else { Issue.record("no colour") }
    }
}

@Suite struct MemoryTerminalTests {
    @Test func presentsByDiffAndKeepsTheScreen() throws {
        let terminal = MemoryTerminal(size: Size(width: 10, height: 2))
        var frame = Buffer(size: terminal.size)
        frame.write("hello", x: 0, y: 0)
        try terminal.present(frame)
        #expect(terminal.screen == frame)
        #expect(terminal.cellsWrittenLastFrame == 5)
        frame.write("J", x: 0, y: 0)
        try terminal.present(frame)
        #expect(terminal.cellsWrittenLastFrame == 1)
        #expect(terminal.screen.lines == ["Jello     ", "          "])
        try terminal.present(frame)
        #expect(terminal.cellsWrittenLastFrame == 0)
        #expect(terminal.framesPresented == 3)
    }

    @Test func resizeQueuesTheKeyAndRepaintsInFull() throws {
        let terminal = MemoryTerminal(size: Size(width: 4, height: 1))
        try terminal.present(Buffer(size: terminal.size))
        terminal.resize(to: Size(width: 3, height: 2))
        #expect(try terminal.nextEvent(timeout: .zero) == .key(.resize))
        var frame = Buffer(size: terminal.size)
        frame.write("ab", x: 0, y: 1)
        try terminal.present(frame)
        #expect(terminal.screen == frame)
        #expect(terminal.cellsWrittenLastFrame == 6)
    }

    @Test func scriptedEventsThenWakeUpsThenTimeout() throws {
        let terminal = MemoryTerminal(size: Size(width: 1, height: 1))
        terminal.type("j")
        terminal.feed(keys: [.ctrl("r")])
        let waker = terminal.waker
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) { waker.wake(); waker.wake() }
        group.wait()
        #expect(try terminal.nextEvent(timeout: nil) == .key(.char("j")))
        #expect(try terminal.nextEvent(timeout: nil) == .key(.ctrl("r")))
        #expect(try terminal.nextEvent(timeout: nil) == .wake)
        #expect(try terminal.nextEvent(timeout: .milliseconds(5)) == nil)
    }
}
