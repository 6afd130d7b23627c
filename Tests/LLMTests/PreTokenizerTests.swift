import Testing
@testable import LLM

/// The pieces each pre-tokenizer form cuts text into, derived by hand from the regexes.
@Suite struct PreTokenizerTests {
    let gpt2 = PreTokenizer(steps: [.byteLevel(addPrefixSpace: false, useRegex: true)])
    let llama3 = PreTokenizer(steps: [.split(.llama3(maxDigits: 3)), .byteLevel(addPrefixSpace: false, useRegex: false)])
    let qwen2 = PreTokenizer(steps: [.split(.llama3(maxDigits: 1)), .byteLevel(addPrefixSpace: false, useRegex: false)])
    let smolLM2 = PreTokenizer(steps: [.digits(individual: true), .byteLevel(addPrefixSpace: false, useRegex: true)])

    @Test func contractionsAndDigitRuns() {
        let text = "I'M 12345 years"
        #expect(gpt2.stringPieces(text) == ["I", "'", "M", " 12345", " years"])  // case-sensitive contractions
        #expect(llama3.stringPieces(text) == ["I", "'M", " ", "123", "45", " years"])
        #expect(qwen2.stringPieces(text) == ["I", "'M", " ", "1", "2", "3", "4", "5", " years"])
        #expect(smolLM2.stringPieces(text) == ["I", "'", "M", " ", "1", "2", "3", "4", "5", " years"])
        #expect(gpt2.stringPieces("we're they'll I'd") == ["we", "'re", " they", "'ll", " I", "'d"])
        #expect(llama3.stringPieces("WE'RE 'sup") == ["WE", "'RE", " '", "sup"])
    }

    @Test func whitespaceRuns() {
        #expect(gpt2.stringPieces("a  b") == ["a", " ", " b"])
        #expect(gpt2.stringPieces("a   ") == ["a", "   "])
        #expect(gpt2.stringPieces("\tx") == ["\t", "x"])
        #expect(llama3.stringPieces("\tx") == ["\tx"])  // [^\r\n\p{L}\p{N}]?\p{L}+ takes the tab
        #expect(llama3.stringPieces("a  b") == ["a", " ", " b"])
        #expect(llama3.stringPieces("   ") == ["   "])
    }

    @Test func newlines() {
        #expect(gpt2.stringPieces("Hello!!\n\nWorld") == ["Hello", "!!", "\n", "\n", "World"])
        #expect(llama3.stringPieces("Hello!!\n\nWorld") == ["Hello", "!!\n\n", "World"])
        #expect(llama3.stringPieces("a \n b") == ["a", " \n", " b"])
        #expect(llama3.stringPieces("a\n\n  b") == ["a", "\n\n", " ", " b"])
        #expect(llama3.stringPieces("x\r\n") == ["x", "\r\n"])
    }

    @Test func punctuationAndSymbols() {
        #expect(gpt2.stringPieces("f(x) = y;") == ["f", "(", "x", ")", " =", " y", ";"])
        #expect(llama3.stringPieces("f(x) = y;") == ["f", "(x", ")", " =", " y", ";"])
    }

    @Test func nonLatinScripts() {
        #expect(gpt2.stringPieces("日本語のテキスト") == ["日本語のテキスト"])
        #expect(gpt2.stringPieces("東京2024年") == ["東京", "2024", "年"])
        #expect(llama3.stringPieces("東京2024年") == ["東京", "202", "4", "年"])
        #expect(qwen2.stringPieces("東京2024年") == ["東京", "2", "0", "2", "4", "年"])
        // U+00A0 is \s, U+0663 (Arabic-Indic three) is \p{N}, U+00B2 (superscript two) is \p{N}.
        #expect(gpt2.stringPieces("a\u{A0}b") == ["a", "\u{A0}", "b"])
        #expect(llama3.stringPieces("\u{663}\u{663}x²") == ["\u{663}\u{663}", "x", "²"])
    }

    @Test func emojiAreOtherSymbols() {
        // 👩‍💻 is U+1F469 U+200D U+1F4BB: So, Cf, So: all in [^\s\p{L}\p{N}].
        #expect(gpt2.stringPieces("hi 👩‍💻!") == ["hi", " 👩‍💻!"])
        #expect(llama3.stringPieces("hi 👩‍💻\n") == ["hi", " 👩‍💻\n"])
    }

    @Test func digitsAlone() {
        let runs = PreTokenizer(steps: [.digits(individual: false), .byteLevel(addPrefixSpace: false, useRegex: false)])
        #expect(runs.stringPieces("ab123cd4") == ["ab", "123", "cd", "4"])
        #expect(smolLM2.stringPieces("ab12") == ["ab", "1", "2"])
    }

    @Test func addPrefixSpace() {
        let prefixed = PreTokenizer(steps: [.byteLevel(addPrefixSpace: true, useRegex: true)])
        #expect(prefixed.stringPieces("hello world") == [" hello", " world"])
        #expect(prefixed.stringPieces(" hello") == [" hello"])
    }

    @Test func piecesCoverTheInputExactly() {
        let text = "Mixed: English, 日本語, русский, عربى, 😀👍🏽, 1234567, \t\n\r\n  end  "
        for form in [gpt2, llama3, qwen2, smolLM2] {
            #expect(form.stringPieces(text).joined() == text)
        }
    }
}
