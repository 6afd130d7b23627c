import Testing
@testable import LLM

/// decode(encode(s)) == s for each pre-tokenizer form, on the texts FORMATS.md names.
@Suite struct TokenizerRoundTripTests {
    static let texts = [
        "Hello, world! It's a test.",
        "spaces   between\t\ttabs  and trailing   ",
        "   leading spaces",
        "line one\nline two\r\n\n\nthree\n",
        "日本語のテキストです。東京は2024年に",
        "emoji 😀👍🏽 family 👨‍👩‍👧‍👦 flag 🇯🇵 coder 👩‍💻",
        "Mixed: English, 日本語, русский, عربى, ελληνικά, हिन्दी",
        "digits 1 12 123 1234 12345 3.14159 1,000,000 ٣٤٥",
        "contractions I'm we're THEY'LL you'd she's",
        "",
        " ",
        "\u{301}combining first, e\u{301} and NBSP\u{A0}here",
    ]

    static let forms = [
        ("GPT-2", TokenizerFixture.gpt2), ("Llama 3", TokenizerFixture.llama3),
        ("Qwen2", TokenizerFixture.qwen2), ("SmolLM2", TokenizerFixture.smolLM2),
    ]

    @Test(arguments: forms.map(\.0))
    func roundTrip(form: String) throws {
        let preTokenizer = try #require(Self.forms.first { $0.0 == form }?.1)
        var fixture = TokenizerFixture(merges: TokenizerTests.merges + [("Ġ", "t"), ("h", "e"), ("ã", "ģ")], preTokenizer: preTokenizer)
        fixture.addedTokens = [("<|endoftext|>", true)]
        let tokenizer = try fixture.tokenizer()
        for text in Self.texts + [Self.texts.joined(separator: "<|endoftext|>")] {
            let ids = tokenizer.encode(text)
            #expect(tokenizer.decode(ids) == text, "\(form): \(text.debugDescription)")
            #expect(ids.allSatisfy { $0 >= 0 && $0 < tokenizer.vocabularySize })
        }
    }
}
