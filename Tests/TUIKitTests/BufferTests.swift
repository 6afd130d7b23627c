import Testing
@testable import TUIKit

@Suite struct BufferTests {
    @Test func writeClipsToMaxWidthAndBuffer() {
        var buffer = Buffer(size: Size(width: 6, height: 2))
        #expect(buffer.write("hello world", x: 1, y: 0) == 5)
        #expect(buffer.write("abcdef", x: 0, y: 1, maxWidth: 3) == 3)
        expectLines(buffer.lines, [" hello", "abc   "])
    }

    @Test func wideGraphemesTakeTwoCellsWithAContinuation() {
        var buffer = Buffer(size: Size(width: 5, height: 1))
        #expect(buffer.write("中a文", x: 0, y: 0) == 5)
        #expect(buffer[0, 0].grapheme == "中")
        #expect(buffer[1, 0].isContinuation)
        #expect(buffer[2, 0].grapheme == "a")
        #expect(buffer[3, 0].grapheme == "文")
        #expect(buffer[4, 0].isContinuation)
        #expect(buffer.line(0) == "中a文")
    }

    @Test func wideGraphemeAtTheEdgeBecomesASpace() {
        var buffer = Buffer(size: Size(width: 3, height: 1), filling: Cell("."))
        #expect(buffer.write("a中", x: 1, y: 0) == 2)
        #expect(buffer.line(0) == ".a ")
        #expect(!buffer[2, 0].isContinuation)
    }

    @Test func overwritingHalfAWideGraphemeBlanksTheOtherHalf() {
        var buffer = Buffer(size: Size(width: 4, height: 1))
        buffer.write("中文", x: 0, y: 0)
        buffer.write("x", x: 1, y: 0)       // over the continuation of 中
        #expect(buffer.line(0) == " x文")
        buffer.write("y", x: 2, y: 0)       // over the lead of 文
        #expect(buffer.line(0) == " xy ")
        #expect(buffer.cells.allSatisfy { !$0.isContinuation })
    }

    @Test func controlsAndLoneCombiningMarksAreDropped() {
        var buffer = Buffer(size: Size(width: 6, height: 1))
        #expect(buffer.write("a\u{7}b\u{1B}[c\u{301}", x: 0, y: 0) == 4)
        #expect(buffer.line(0) == "ab[c\u{301}  ")
        #expect(buffer[3, 0].grapheme == "c\u{301}")
        #expect(buffer.write("\u{301}\u{200B}x", x: 0, y: 0) == 1)  // a mark with no base: no cell
        #expect(buffer.line(0) == "xb[c\u{301}  ")
    }

    @Test func combiningMarksStayWithTheirBase() {
        var buffer = Buffer(size: Size(width: 3, height: 1))
        buffer.write("e\u{301}x", x: 0, y: 0)
        #expect(buffer[0, 0].grapheme == "e\u{301}")
        #expect(buffer[1, 0].grapheme == "x")
    }

    @Test func writesOutsideTheBufferAreIgnored() {
        var buffer = Buffer(size: Size(width: 2, height: 1))
        #expect(buffer.write("ab", x: 0, y: 5) == 0)
        buffer.write("abcd", x: -2, y: 0)
        #expect(buffer.line(0) == "cd")
        var empty = Buffer(size: .zero)
        #expect(empty.write("x", x: 0, y: 0) == 0)
        #expect(empty.lines.isEmpty)
    }

    @Test func spansKeepTheirStyles() {
        var buffer = Buffer(size: Size(width: 4, height: 1))
        buffer.write(Line([Span("ab", .chosen), Span("cd", .rejected)]), x: 0, y: 0, maxWidth: 3)
        #expect(buffer.line(0) == "abc ")
        #expect(buffer[1, 0].style.role == .chosen)
        #expect(buffer[2, 0].style.role == .rejected)
        #expect(buffer[3, 0].style.role == .normal)
    }

    @Test func fillAndSetStyleAreClipped() {
        var buffer = Buffer(size: Size(width: 3, height: 2))
        buffer.fill(Rect(x: 2, y: 1, width: 5, height: 5), with: Cell("#"))
        buffer.setStyle(Style(.accent), in: Rect(x: -1, y: -1, width: 2, height: 2))
        expectLines(buffer.lines, ["   ", "  #"])
        #expect(buffer[0, 0].style.role == .accent)
        #expect(buffer[1, 0].style.role == .normal)
    }
}
