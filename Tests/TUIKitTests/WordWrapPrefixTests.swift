import Testing
@testable import TUIKit

/// `wrapPrefix` must give exactly the first lines `wrap` gives, and say truly whether they
/// are all, however the text is made: long words cut across lines, runs of spaces, tabs,
/// wide and zero-width graphemes, empty and hard lines.
@Suite struct WordWrapPrefixTests {
    static let pieces = ["a", "bb", "word", "longerword", String(repeating: "x", count: 37), " ", "   ", "\t",
                         "日本", "e\u{301}", "\u{200B}", "\n", "\n\n", String(repeating: " ", count: 30)]

    static func text(_ rng: inout SeededGenerator) -> String {
        (0..<Int.random(in: 0...120, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
    }

    @Test func thePrefixIsTheWholeWrapsFirstLines() {
        var rng = SeededGenerator(seed: 23)
        for _ in 0..<1500 {
            let text = Self.text(&rng)
            let width = Int.random(in: 1...24, using: &rng), limit = Int.random(in: 1...12, using: &rng)
            let whole = WordWrap.wrap(text, width: width)
            let prefix = WordWrap.wrapPrefix(text, width: width, limit: limit)
            #expect(prefix.lines == Array(whole.prefix(limit)), "\(text.debugDescription) width \(width) limit \(limit)")
            #expect(prefix.complete == (whole.count <= limit), "\(text.debugDescription) width \(width) limit \(limit)")

            let styled = Line.hardLines(of: text, style: .normal)
            let lines = WordWrap.wrapPrefix(styled, width: width, limit: limit)
            #expect(lines.lines == Array(WordWrap.wrap(styled, width: width).prefix(limit)))
            #expect(lines.complete == prefix.complete)
            #expect(Line.firstHardLines(of: text, style: .normal, count: limit) == Array(styled.prefix(limit)))
        }
    }

    /// A paragraph scrolled anywhere draws what it drew when it wrapped the whole text.
    @Test func aParagraphDrawsTheSameRowsAtAnyScroll() {
        var rng = SeededGenerator(seed: 5)
        for _ in 0..<300 {
            let paragraph = Paragraph(Self.text(&rng), scroll: Int.random(in: 0...30, using: &rng))
            let area = Rect(x: 0, y: 0, width: Int.random(in: 1...20, using: &rng), height: Int.random(in: 1...8, using: &rng))
            var drawn = Buffer(size: Size(width: area.width, height: area.height))
            paragraph.render(in: area, buffer: &drawn)
            // What the whole wrap puts there, the scroll clamped to the last line.
            let display = paragraph.displayLines(width: area.width)
            let first = min(paragraph.scroll, max(0, display.count - area.height))
            var expected = Buffer(size: Size(width: area.width, height: area.height))
            for (row, line) in display.dropFirst(first).prefix(area.height).enumerated() {
                var x = 0
                for item in line {
                    x += expected.put(item.grapheme, width: item.width, x: x, y: row, style: item.style, limit: area.width)
                    if x >= area.width { break }
                }
            }
            #expect(drawn == expected)
        }
    }

    /// A hard line of megabytes costs what its first lines cost.
    @Test func aHugeLineIsReadOnlyAsFarAsItsFirstLines() {
        let huge = String(repeating: "lorem ipsum ", count: 1_000_000)
        let clock = ContinuousClock()
        var result: (lines: [String], complete: Bool) = ([], true)
        let time = clock.measure { result = WordWrap.wrapPrefix(huge, width: 80, limit: 30) }
        #expect(result.lines.count == 30 && !result.complete)
        #expect(result.lines == Array(WordWrap.wrap(String(huge.prefix(80 * 40)), width: 80).prefix(30)))
        #expect(time < .seconds(1), "\(time)")
    }
}
