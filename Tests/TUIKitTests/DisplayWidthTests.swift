import Testing
@testable import TUIKit

@Suite struct DisplayWidthTests {
    @Test(arguments: [
        ("a", 1), (" ", 1), ("~", 1), ("é", 1), ("e\u{301}", 1),      // precomposed and combining
        ("中", 2), ("あ", 2), ("한", 2), ("Ａ", 2), ("。", 2),          // CJK, kana, Hangul, fullwidth
        ("😀", 2), ("👍🏽", 2), ("❤\u{FE0F}", 2), ("❤", 1),              // emoji, skin tone, VS16
        ("🇯🇵", 2), ("👨\u{200D}👩\u{200D}👧", 2),                    // flag, ZWJ family
        ("\u{301}", 0), ("\u{200B}", 0), ("\u{7}", 0), ("\u{7F}", 0), ("\u{9B}", 0), ("\t", 0),
        ("Ω", 1), ("ж", 1), ("═", 1), ("⠁", 1),
    ] as [(String, Int)])
    func graphemeWidths(text: String, expected: Int) {
        let grapheme = Character(text)
        #expect(grapheme.displayWidth == expected, "\(text.unicodeScalars.map { String($0.value, radix: 16) })")
    }

    @Test func stringWidthSumsGraphemes() {
        #expect("hello".displayWidth == 5)
        #expect("日本語テキスト".displayWidth == 14)
        #expect("a中b😀".displayWidth == 6)
        #expect("cafe\u{301}".displayWidth == 4)
        #expect("".displayWidth == 0)
    }

    @Test func scalarTableBoundaries() {
        // Hangul Jamo leading consonants are wide; the medial vowels combine (zero width).
        #expect(DisplayWidth.of(scalar: "\u{1100}") == 2)
        #expect(DisplayWidth.of(scalar: "\u{115F}") == 2)
        #expect(DisplayWidth.of(scalar: "\u{1160}") == 0)
        #expect(DisplayWidth.of(scalar: "\u{3000}") == 2)   // ideographic space
        #expect(DisplayWidth.of(scalar: "\u{303F}") == 1)   // half-fill space is narrow
        #expect(DisplayWidth.of(scalar: "\u{FF61}") == 1)   // halfwidth katakana punctuation
        #expect(DisplayWidth.of(scalar: "\u{20000}") == 2)  // CJK extension B
        #expect(DisplayWidth.of(scalar: "\u{E000}") == 1)   // private use
    }

    @Test func tablesAreSortedDisjointRanges() {
        for table in [WidthTable.wide, WidthTable.zero, WidthTable.vs16] {
            #expect(table.count % 2 == 0)
            for index in stride(from: 0, to: table.count, by: 2) {
                #expect(table[index] <= table[index + 1])
                if index + 2 < table.count { #expect(table[index + 1] + 1 < table[index + 2]) }
            }
        }
    }

    @Test func bisectionAgreesWithLinearScan() {
        let table = WidthTable.wide
        for value in stride(from: UInt32(0), to: 0x20000, by: 97) {
            let linear = stride(from: 0, to: table.count, by: 2).contains { table[$0] <= value && value <= table[$0 + 1] }
            #expect(DisplayWidth.contains(table, value) == linear, "U+\(String(value, radix: 16))")
        }
    }
}
