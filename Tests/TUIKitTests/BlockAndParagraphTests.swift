import Testing
@testable import TUIKit

@Suite struct BlockTests {
    @Test func borderWithPaddedTitle() {
        expectLines(renderLines(Block(title: "Hi"), width: 8, height: 3), ["┌ Hi ──┐", "│      │", "└──────┘"])
    }

    @Test func longTitleIsClippedWithoutPadding() {
        expectLines(renderLines(Block(title: "Title long"), width: 6, height: 2), ["┌Titl┐", "└────┘"])
    }

    @Test func wideTitleKeepsTheBorderIntact() {
        expectLines(renderLines(Block(title: "日本"), width: 7, height: 2), ["┌日本─┐", "└─────┘"])
        // One cell too few for the second ideograph: it becomes a space, never half a glyph.
        expectLines(renderLines(Block(title: "日本"), width: 5, height: 2), ["┌日 ┐", "└───┘"])
    }

    @Test func tinyAreasDrawNothing() {
        #expect(renderLines(Block(title: "x"), width: 0, height: 0) == [])
        #expect(renderLines(Block(title: "x"), width: 1, height: 1) == [" "])
        #expect(Block().inner(Rect(x: 3, y: 3, width: 1, height: 5)).isEmpty)
        #expect(Block().inner(Rect(x: 3, y: 3, width: 4, height: 5)) == Rect(x: 4, y: 4, width: 2, height: 3))
    }
}

@Suite struct ParagraphTests {
    @Test(arguments: [
        ("the quick brown fox", 10, ["the quick", "brown fox"]),
        ("abcdefghijkl", 5, ["abcde", "fghij", "kl"]),
        ("hi abcdefghijkl", 5, ["hi", "abcde", "fghij", "kl"]),
        ("日本語のテキスト", 5, ["日本", "語の", "テキ", "スト"]),
        ("ok 😀😀", 4, ["ok", "😀😀"]),
        ("cafe\u{301} ok", 5, ["cafe\u{301}", "ok"]),
        ("a\n\nb", 3, ["a", "", "b"]),
        ("  indented text", 20, ["  indented text"]),
        ("trailing   ", 8, ["trailing"]),
        ("tab\there", 10, ["tab here"]),
        ("中a", 1, ["中", "a"]),
    ] as [(String, Int, [String])])
    func wrapping(text: String, width: Int, expected: [String]) {
        #expect(WordWrap.wrap(text, width: width) == expected)
    }

    @Test func wrappedLinesNeverExceedTheWidth() {
        let text = "Natalia sold clips to 48 of her friends in April, and then she sold half as many 日本語の文章 in May 😀."
        for width in 2...30 {
            for line in WordWrap.wrap(text, width: width) { #expect(line.displayWidth <= width, "width \(width): \(line)") }
        }
    }

    @Test func rendersWrappedCJKPaddedToTheArea() {
        expectLines(renderLines(Paragraph("日本語のテキスト"), width: 5, height: 3), ["日本 ", "語の ", "テキ "])
    }

    @Test func scrollingShowsLaterLinesAndStopsAtTheEnd() {
        let paragraph = Paragraph("one two three four five", scroll: 2)
        expectLines(renderLines(paragraph, width: 5, height: 2), ["three", "four "])
        var far = paragraph
        far.scroll = 99
        expectLines(renderLines(far, width: 5, height: 2), ["four ", "five "])
        #expect(paragraph.lineCount(width: 5) == 5)
        #expect(paragraph.maxScroll(in: Rect(x: 0, y: 0, width: 5, height: 2)) == 3)
    }

    @Test func clipsInsteadOfWrappingWhenAsked() {
        expectLines(renderLines(Paragraph("abcdef\nxy", wrap: false), width: 4, height: 3), ["abcd", "xy  ", "    "])
    }

    @Test func spansKeepStylesAcrossWraps() {
        var buffer = Buffer(size: Size(width: 5, height: 2))
        buffer.render(Paragraph([Line([Span("good ", .chosen), Span("bad", .rejected)])]), in: buffer.area)
        expectLines(buffer.lines, ["good ", "bad  "])
        #expect(buffer[0, 0].style.role == .chosen)
        #expect(buffer[0, 1].style.role == .rejected)
    }

    @Test func zeroAndOneCellAreas() {
        #expect(renderLines(Paragraph("hello"), width: 0, height: 0) == [])
        #expect(renderLines(Paragraph("hello"), width: 1, height: 1) == ["h"])
        #expect(renderLines(Paragraph("中"), width: 1, height: 1) == [" "])
        #expect(renderLines(Paragraph(""), width: 2, height: 1) == ["  "])
    }
}

@Suite struct BlockStyleTests {
    @Test func borderTitleAndBackgroundStyles() {
        var buffer = Buffer(size: Size(width: 8, height: 3))
        buffer.render(Block(title: "T", background: Style(.selection)), in: buffer.area)
        #expect(buffer[0, 0].style == Style(.border))
        #expect(buffer[2, 0].style == Style(.title))
        #expect(buffer[1, 0].style == Style(.border))   // the padding space belongs to the border
        #expect(buffer[3, 1].style == Style(.selection))
    }
}
