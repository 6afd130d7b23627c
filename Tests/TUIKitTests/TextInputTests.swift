import Testing
@testable import TUIKit

@Suite struct TextInputTests {
    static func edit(_ text: String, cursor: Int? = nil, _ keys: [Key]) -> (String, Int) {
        var state = TextInputState(text)
        if let cursor { for _ in 0..<(text.count - cursor) { state.handle(.left) } }
        for key in keys { state.handle(key) }
        return (state.text, state.cursor)
    }

    @Test(arguments: [
        ("insert at end", "ab", nil, [Key.char("c")], "abc", 3),
        ("insert in the middle", "ac", 1, [.char("b")], "abc", 2),
        ("backspace", "abc", nil, [.backspace], "ab", 2),
        ("backspace at start does nothing", "abc", 0, [.backspace], "abc", 0),
        ("delete under cursor", "abc", 1, [.delete], "ac", 1),
        ("delete at end does nothing", "abc", nil, [.delete], "abc", 3),
        ("left and right are bounded", "ab", nil, [.right, .left, .left, .left], "ab", 0),
        ("home then type", "bc", nil, [.home, .char("a")], "abc", 1),
        ("end", "abc", 0, [.end], "abc", 3),
        ("ctrl-a / ctrl-e", "abc", 1, [.ctrl("a"), .char(">"), .ctrl("e"), .char("<")], ">abc<", 5),
        ("ctrl-u kills to the start", "hello world", 6, [.ctrl("u")], "world", 0),
        ("ctrl-k kills to the end", "hello world", 5, [.ctrl("k")], "hello", 5),
        ("ctrl-w deletes the previous word", "hello world", nil, [.ctrl("w")], "hello ", 6),
        ("ctrl-w skips trailing spaces", "hello world  ", nil, [.ctrl("w")], "hello ", 6),
        ("ctrl-w twice", "a bc de", nil, [.ctrl("w"), .ctrl("w")], "a ", 2),
        ("wide and combining graphemes are one step", "日本e\u{301}", nil, [.left, .backspace], "日e\u{301}", 1),
        ("emoji", "", nil, [.char("😀"), .char("x"), .left, .backspace], "x", 0),
    ] as [(String, String, Int?, [Key], String, Int)])
    func editing(name: String, text: String, cursor: Int?, keys: [Key], expected: String, expectedCursor: Int) {
        let (result, position) = Self.edit(text, cursor: cursor, keys)
        #expect(result == expected, "\(name)")
        #expect(position == expectedCursor, "\(name)")
    }

    @Test func keysThatAreNotEditingAreReturned() {
        var state = TextInputState("x")
        let handled = [Key.enter, .escape, .up, .char("y")].map { state.handle($0) }
        #expect(handled == [false, false, false, true])
        #expect(state.text == "xy")
    }

    @Test func rendersPromptTextAndCursor() {
        var buffer = Buffer(size: Size(width: 6, height: 1))
        buffer.render(TextInput(TextInputState("abc"), prompt: "> "), in: buffer.area)
        #expect(buffer.line(0) == "> abc ")
        #expect(buffer[5, 0].style.role == .inputCursor)
        #expect(buffer[4, 0].style.role == .normal)
    }

    @Test func scrollsToKeepTheCursorVisible() {
        expectLines(renderLines(TextInput(TextInputState("abcdefgh")), width: 5, height: 1), ["efgh "])
        var state = TextInputState("abcdefgh")
        state.handle(.home)
        expectLines(renderLines(TextInput(state), width: 5, height: 1), ["abcde"])
        expectLines(renderLines(TextInput(TextInputState("日本語")), width: 5, height: 1), ["本語 "])
        #expect(renderLines(TextInput(TextInputState("abc")), width: 0, height: 0) == [])
        #expect(renderLines(TextInput(TextInputState("abc")), width: 1, height: 1) == [" "])
    }
}
