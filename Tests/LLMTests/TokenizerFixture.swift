@testable import LLM

/// Builds small byte-level `tokenizer.json` texts by hand: ids 0..255 are the byte tokens in
/// byte order, then one id per merge result in merge order, then the added tokens.
struct TokenizerFixture {
    static let gpt2 = #"{"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": true}"#
    static let llama3 = sequenceWithSplit(SplitPattern.llama3Regex)
    static let qwen2 = sequenceWithSplit(SplitPattern.qwen2Regex)
    static let smolLM2 = """
        {"type": "Sequence", "pretokenizers": [{"type": "Digits", "individual_digits": true},
          {"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": true}]}
        """

    static func sequenceWithSplit(_ regex: String) -> String {
        """
        {"type": "Sequence", "pretokenizers": [
          {"type": "Split", "pattern": {"Regex": \(JSONWriter.string(.string(regex)))}, "behavior": "Isolated", "invert": false},
          {"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": false}]}
        """
    }

    var merges: [(String, String)]
    var extraTokens: [String] = []
    var addedTokens: [(content: String, special: Bool)] = []
    var preTokenizer = TokenizerFixture.gpt2
    var mergesAsPairs = false
    var ignoreMerges = false
    var normalizer = "null"
    var postProcessor = "null"
    var decoder = #"{"type": "ByteLevel", "add_prefix_space": true, "trim_offsets": true, "use_regex": true}"#

    /// Vocabulary in id order.
    var vocabulary: [String] {
        var tokens = ByteLevelAlphabet.scalarOfByte.map { String($0) }
        for token in merges.map({ $0.0 + $0.1 }) + extraTokens where !tokens.contains(token) {
            tokens.append(token)
        }
        return tokens
    }

    func id(_ token: String) -> Int {
        if let index = addedTokens.firstIndex(where: { $0.content == token }) { return vocabulary.count + index }
        return vocabulary.firstIndex(of: token) ?? -1
    }

    /// Ids of tokens written in plain text: spaces are spelled " " here and mapped to "Ġ".
    func ids(_ tokens: [String]) -> [Int] {
        tokens.map { token in
            addedTokens.contains { $0.content == token } ? id(token) : id(ByteLevelAlphabet.encode(Array(token.utf8)))
        }
    }

    var json: String {
        let vocab = vocabulary
        let vocabJSON = JSONWriter.string(.object(JSONObject(vocab.enumerated().map { ($1, .int($0)) })))
        let mergesJSON = JSONWriter.string(.array(merges.map { left, right in
            mergesAsPairs ? .array([.string(left), .string(right)]) : .string("\(left) \(right)")
        }))
        let added = addedTokens.enumerated().map { index, token in
            #"{"id": \#(vocab.count + index), "content": \#(JSONWriter.string(.string(token.content))), "single_word": false, "lstrip": false, "rstrip": false, "normalized": false, "special": \#(token.special)}"#
        }
        return """
            {"version": "1.0", "truncation": null, "padding": null, "added_tokens": [\(added.joined(separator: ","))],
             "normalizer": \(normalizer), "pre_tokenizer": \(preTokenizer), "post_processor": \(postProcessor),
             "decoder": \(decoder),
             "model": {"type": "BPE", "dropout": null, "unk_token": null, "continuing_subword_prefix": null,
                       "end_of_word_suffix": null, "fuse_unk": false, "byte_fallback": false,
                       "ignore_merges": \(ignoreMerges), "vocab": \(vocabJSON), "merges": \(mergesJSON)}}
            """
    }

    func tokenizer() throws -> Tokenizer { try Tokenizer(json: json) }
}

extension PreTokenizer {
    /// Pieces as strings, for readable expectations.
    func stringPieces(_ text: String) -> [String] {
        pieces(of: Array(text.unicodeScalars)).map { String(decoding: $0, as: UTF8.self) }
    }
}
