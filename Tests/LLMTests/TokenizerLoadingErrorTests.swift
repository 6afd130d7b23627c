import Testing
@testable import LLM

/// What `tokenizer.json` features we do not implement is refused by name.
@Suite struct TokenizerLoadingErrorTests {
    let base = TokenizerFixture(merges: [("a", "b")])

    private func loadError(_ json: String) -> TokenizerError? {
        #expect(throws: TokenizerError.self) { try Tokenizer(json: json) }
    }

    @Test func unsupportedPreTokenizerTypeIsNamed() {
        var fixture = base
        fixture.preTokenizer = #"{"type": "Whitespace"}"#
        let error = loadError(fixture.json)
        #expect(error == .unsupported(file: "tokenizer.json", component: "pre_tokenizer", detail: "type \"Whitespace\" at pre_tokenizer"))
    }

    @Test func unsupportedTypeInsideASequenceIsNamedWithItsPath() {
        var fixture = base
        fixture.preTokenizer = #"{"type": "Sequence", "pretokenizers": [{"type": "Punctuation"}, {"type": "ByteLevel"}]}"#
        #expect(loadError(fixture.json)?.description.contains("\"Punctuation\" at pre_tokenizer.pretokenizers[0]") == true)
    }

    @Test func unrecognisedSplitRegexIsNamed() {
        var fixture = base
        fixture.preTokenizer = TokenizerFixture.sequenceWithSplit(#"\p{L}+|\s+"#)
        let error = loadError(fixture.json)
        #expect(error?.description.contains(#"Split regex \p{L}+|\s+"#) == true)
    }

    @Test func splitWithOtherBehaviourIsRefused() {
        var fixture = base
        fixture.preTokenizer = TokenizerFixture.llama3.replacingOccurrences(of: "Isolated", with: "Removed")
        #expect(loadError(fixture.json)?.description.contains("Split behavior Removed") == true)
    }

    @Test func missingPreTokenizerIsRefused() {
        var fixture = base
        fixture.preTokenizer = "null"
        #expect(loadError(fixture.json) == .unsupported(file: "tokenizer.json", component: "pre_tokenizer", detail: "none (byte-level BPE needs ByteLevel)"))
    }

    @Test func byteLevelNotLastIsRefused() {
        var fixture = base
        fixture.preTokenizer = #"{"type": "Sequence", "pretokenizers": [{"type": "ByteLevel"}, {"type": "Digits"}]}"#
        #expect(loadError(fixture.json)?.description.contains("does not end in exactly one ByteLevel") == true)
    }

    @Test func unsupportedNormalizerDecoderAndModel() {
        var fixture = base
        fixture.normalizer = #"{"type": "Lowercase"}"#
        #expect(loadError(fixture.json) == .unsupported(file: "tokenizer.json", component: "normalizer", detail: "type \"Lowercase\""))
        fixture = base
        fixture.decoder = #"{"type": "Metaspace"}"#
        #expect(loadError(fixture.json) == .unsupported(file: "tokenizer.json", component: "decoder", detail: "type \"Metaspace\" (only ByteLevel)"))
        let wordPiece = base.json.replacingOccurrences(of: #""type": "BPE""#, with: #""type": "WordPiece""#)
        #expect(loadError(wordPiece) == .unsupported(file: "tokenizer.json", component: "model", detail: "type \"WordPiece\" (only BPE)"))
        let fallback = base.json.replacingOccurrences(of: #""byte_fallback": false"#, with: #""byte_fallback": true"#)
        #expect(loadError(fallback)?.description.contains("byte_fallback") == true)
    }

    @Test func unsupportedPostProcessorIsNamed() {
        var fixture = base
        fixture.postProcessor = #"{"type": "Fancy"}"#
        #expect(loadError(fixture.json) == .unsupported(file: "tokenizer.json", component: "post_processor", detail: "type \"Fancy\""))
    }

    @Test func mergeOutOfVocabulary() {
        let json = base.json.replacingOccurrences(of: #""merges": ["a b"]"#, with: #""merges": ["a b", "x zz"]"#)
        #expect(loadError(json) == .mergeOutOfVocabulary(file: "tokenizer.json", index: 1, merge: "x zz"))
    }

    @Test func malformedMerge() {
        let json = base.json.replacingOccurrences(of: #""merges": ["a b"]"#, with: #""merges": ["a b c"]"#)
        #expect(loadError(json) == .field(JSONFieldError(file: "tokenizer.json", field: "model.merges[0]", problem: .invalid("\"a b c\" is not two tokens separated by one space"))))
        let pair = base.json.replacingOccurrences(of: #""merges": ["a b"]"#, with: #""merges": [["a"]]"#)
        #expect(loadError(pair) == .field(JSONFieldError(file: "tokenizer.json", field: "model.merges[0]", problem: .wrongType(expected: "\"a b\" or [\"a\", \"b\"]", found: "an array"))))
    }

    @Test func missingModelAndInvalidJSON() {
        #expect(loadError(#"{"added_tokens": []}"#) == .field(JSONFieldError(file: "tokenizer.json", field: "model", problem: .missing)))
        #expect(loadError("{") != nil)
    }

    @Test func addedTokenWithoutID() {
        let json = base.json.replacingOccurrences(of: #""added_tokens": []"#, with: #""added_tokens": [{"content": "<x>"}]"#)
        #expect(loadError(json) == .field(JSONFieldError(file: "tokenizer.json", field: "added_tokens[0].id", problem: .missing)))
    }
}
