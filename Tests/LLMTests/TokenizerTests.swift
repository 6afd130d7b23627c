import Foundation
import Testing
@testable import LLM

@Suite struct TokenizerTests {
    /// Merges in GPT-2's alphabet (Ġ is the space).
    static let merges: [(String, String)] = [
        ("Ġ", "1"), ("1", "2"), ("12", "3"), ("4", "5"), ("'", "M"), ("Ġ", "y"), ("e", "a"), ("Ġy", "ea"),
        ("r", "s"), ("Ġyea", "rs"),
    ]

    func fixture(_ preTokenizer: String) -> TokenizerFixture {
        TokenizerFixture(merges: Self.merges, preTokenizer: preTokenizer)
    }

    /// "I'M 12345 years" cut by each form (see PreTokenizerTests), then merged:
    /// GPT-2's " 12345" becomes Ġ1 (rank 0) 2 3 45; Llama 3's "123" and "45" merge whole.
    @Test func sameTextDifferentIDsPerPreTokenizer() throws {
        let text = "I'M 12345 years"
        let gpt2 = fixture(TokenizerFixture.gpt2)
        #expect(try gpt2.tokenizer().encode(text) == gpt2.ids(["I", "'", "M", " 1", "2", "3", "45", " years"]))
        let llama3 = fixture(TokenizerFixture.llama3)
        #expect(try llama3.tokenizer().encode(text) == llama3.ids(["I", "'M", " ", "123", "45", " years"]))
        let qwen2 = fixture(TokenizerFixture.qwen2)
        #expect(try qwen2.tokenizer().encode(text) == qwen2.ids(["I", "'M", " ", "1", "2", "3", "4", "5", " years"]))
        let smol = fixture(TokenizerFixture.smolLM2)
        #expect(try smol.tokenizer().encode(text) == smol.ids(["I", "'", "M", " ", "1", "2", "3", "4", "5", " years"]))
    }

    @Test func bothMergeSpellingsGiveTheSameTokenizer() throws {
        var strings = fixture(TokenizerFixture.gpt2)
        var pairs = strings
        pairs.mergesAsPairs = true
        strings.mergesAsPairs = false
        #expect(pairs.json.contains(#"["Ġ","1"]"#))
        #expect(strings.json.contains(#""Ġ 1""#))
        let text = "I'M 12345 years, 123 yeas"
        #expect(try pairs.tokenizer().encode(text) == strings.tokenizer().encode(text))
        #expect(try pairs.tokenizer().model.mergeCount == Self.merges.count)
    }

    @Test func zeroMergesIsAnError() {
        let empty = TokenizerFixture(merges: [])
        #expect(throws: TokenizerError.noMerges(file: "tokenizer.json")) { try empty.tokenizer() }
    }

    @Test func mergeRankOrderDecides() throws {
        // "abc": (b, c) outranks (a, b), so the result is a + bc, not ab + c.
        let fixture = TokenizerFixture(merges: [("b", "c"), ("a", "b")])
        #expect(try fixture.tokenizer().encode("abc") == fixture.ids(["a", "bc"]))
        let other = TokenizerFixture(merges: [("a", "b"), ("b", "c")])
        #expect(try other.tokenizer().encode("abc") == other.ids(["ab", "c"]))
        // Equal pairs merge leftmost first: "aaa" -> aa + a.
        let repeated = TokenizerFixture(merges: [("a", "a")])
        #expect(try repeated.tokenizer().encode("aaa") == repeated.ids(["aa", "a"]))
    }

    @Test func ignoreMergesEmitsWholeVocabularyPieces() throws {
        var fixture = TokenizerFixture(merges: [("a", "b")], extraTokens: ["abc"])
        #expect(try fixture.tokenizer().encode("abc") == fixture.ids(["ab", "c"]))
        fixture.ignoreMerges = true
        #expect(try fixture.tokenizer().encode("abc") == fixture.ids(["abc"]))
        #expect(try fixture.tokenizer().encode("abd") == fixture.ids(["ab", "d"]))
    }

    @Test func specialTokenInTheMiddle() throws {
        var fixture = fixture(TokenizerFixture.llama3)
        fixture.addedTokens = [("<|eot|>", true), ("<s>", true), ("<s>x", false)]
        let tokenizer = try fixture.tokenizer()
        let ids = tokenizer.encode("12 years<|eot|> 12")
        #expect(ids == fixture.ids(["12", " years", "<|eot|>", " ", "12"]))
        #expect(tokenizer.decode(ids) == "12 years<|eot|> 12")
        #expect(tokenizer.decode(ids, skipSpecialTokens: true) == "12 years 12")
        // Longest match wins at a position: "<s>x" rather than "<s>" then "x".
        #expect(tokenizer.encode("a<s>xb") == fixture.ids(["a", "<s>x", "b"]))
        #expect(tokenizer.encode("<s><s>") == fixture.ids(["<s>", "<s>"]))
        #expect(tokenizer.id(of: "<|eot|>") == fixture.id("<|eot|>"))
        #expect(tokenizer.specialTokenIDs == [fixture.id("<|eot|>"), fixture.id("<s>")])
    }

    @Test func lstripAndRstripSwallowWhitespace() throws {
        let fixture = fixture(TokenizerFixture.gpt2)
        let json = fixture.json.replacingOccurrences(of: #""added_tokens": []"#, with: """
            "added_tokens": [{"id": 400, "content": "<m>", "lstrip": true, "rstrip": true, "special": true}]
            """)
        let tokenizer = try Tokenizer(json: json)
        #expect(tokenizer.encode("a  <m>  b") == fixture.ids(["a"]) + [400] + fixture.ids(["b"]))
    }

    @Test func templateProcessingAddsBOSOnlyWhenAsked() throws {
        var fixture = fixture(TokenizerFixture.llama3)
        fixture.addedTokens = [("<|begin_of_text|>", true)]
        let bos = fixture.vocabulary.count
        fixture.postProcessor = """
            {"type": "Sequence", "processors": [
              {"type": "ByteLevel", "add_prefix_space": true, "trim_offsets": false, "use_regex": true},
              {"type": "TemplateProcessing",
               "single": [{"SpecialToken": {"id": "<|begin_of_text|>", "type_id": 0}}, {"Sequence": {"id": "A", "type_id": 0}}],
               "pair": [], "special_tokens": {"<|begin_of_text|>": {"id": "<|begin_of_text|>", "ids": [\(bos)], "tokens": ["<|begin_of_text|>"]}}}]}
            """
        let tokenizer = try fixture.tokenizer()
        #expect(tokenizer.addsBOS)
        #expect(tokenizer.bosTokenID == bos)
        #expect(tokenizer.encode("12") == fixture.ids(["12"]))
        #expect(tokenizer.encode("12", addSpecialTokens: true) == [bos] + fixture.ids(["12"]))
    }

    @Test func byteLevelPostProcessorAddsNothing() throws {
        var fixture = fixture(TokenizerFixture.qwen2)
        fixture.postProcessor = #"{"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": false, "use_regex": false}"#
        let tokenizer = try fixture.tokenizer()
        #expect(!tokenizer.addsBOS)
        #expect(tokenizer.encode("12", addSpecialTokens: true) == fixture.ids(["1", "2"]))
    }

    @Test func nfcNormalizerComposes() throws {
        var fixture = fixture(TokenizerFixture.qwen2)
        fixture.normalizer = #"{"type": "NFC"}"#
        let tokenizer = try fixture.tokenizer()
        // e + combining acute (U+0301) composes to é (U+00E9): two UTF-8 bytes, C3 A9.
        #expect(tokenizer.encode("e\u{301}") == [0xC3, 0xA9].map { fixture.id(String(ByteLevelAlphabet.scalarOfByte[$0])) })
    }

    @Test func decodeMapsBytesBackAndSkipsUnknownIDs() throws {
        let tokenizer = try fixture(TokenizerFixture.gpt2).tokenizer()
        let ids = tokenizer.encode("héllo 世界")
        #expect(tokenizer.decode(ids + [999_999]) == "héllo 世界")
        // Ids 0..255 are the bytes: a lone continuation byte decodes to U+FFFD, like
        // String::from_utf8_lossy; C3 A9 together are é.
        #expect(tokenizer.decode([0xA9]) == "\u{FFFD}")
        #expect(tokenizer.decode([0xC3, 0xA9]) == "é")
    }
}

@Suite struct TokenizerConcurrencyTests {
    /// The merge cache is shared: encoding from many threads at once must give the ids one
    /// thread gives.
    @Test func concurrentEncodingAgreesWithSerial() async throws {
        let tokenizer = try TokenizerFixture(merges: TokenizerTests.merges, preTokenizer: TokenizerFixture.llama3).tokenizer()
        let texts = (0..<64).map { "text \($0): I'M 12345 years, 日本 \(String(repeating: "ab", count: $0))" }
        let serial = texts.map { tokenizer.encode($0) }
        let parallel = await withTaskGroup(of: (Int, [Int]).self) { group in
            for (index, text) in texts.enumerated() {
                group.addTask { (index, tokenizer.encode(text)) }
            }
            var results = [[Int]](repeating: [], count: texts.count)
            for await (index, ids) in group { results[index] = ids }
            return results
        }
        #expect(parallel == serial)
    }
}
