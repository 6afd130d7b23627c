import Foundation

/// What `BPETrainer` learned, and its Hugging Face `tokenizer.json`: special tokens as added
/// tokens (special, matched verbatim), SmolLM2's pre-tokenizer (Digits individual + ByteLevel
/// with GPT-2's regex, no prefix space), no normalizer and no post-processor (no BOS added),
/// the ByteLevel decoder, and a BPE model whose merges are written as `["a", "b"]` pairs.
public struct TrainedBPE: Sendable, Equatable {
    /// Ids 0 ..< specialTokens.count.
    public var specialTokens: [String]
    /// The other tokens in id order (GPT-2 alphabet), from id `specialTokens.count` on: the 256
    /// bytes, then the merged tokens.
    public var tokens: [String]
    /// In rank order.
    public var merges: [(String, String)]

    public static func == (lhs: TrainedBPE, rhs: TrainedBPE) -> Bool {
        lhs.specialTokens == rhs.specialTokens && lhs.tokens == rhs.tokens
            && lhs.merges.elementsEqual(rhs.merges) { $0.0 == $1.0 && $0.1 == $1.1 }
    }

    public var vocabularySize: Int { specialTokens.count + tokens.count }

    /// `tokenizer.json` as Hugging Face `tokenizers` writes it (key order included).
    public func json() -> String {
        func object(_ entries: [(String, JSONValue)]) -> JSONValue {
            .object(JSONObject(entries.map { (key: $0.0, value: $0.1) }))
        }
        let byteLevelOptions: [(String, JSONValue)] = [
            ("add_prefix_space", .bool(false)), ("trim_offsets", .bool(true)), ("use_regex", .bool(true)),
        ]
        let added = specialTokens.enumerated().map { id, content in
            object([("id", .int(id)), ("content", .string(content)), ("single_word", .bool(false)),
                    ("lstrip", .bool(false)), ("rstrip", .bool(false)), ("normalized", .bool(false)),
                    ("special", .bool(true))])
        }
        let vocabulary = (specialTokens + tokens).enumerated().map { (key: $0.element, value: JSONValue.int($0.offset)) }
        let model = object([
            ("type", .string("BPE")), ("dropout", .null), ("unk_token", .null),
            ("continuing_subword_prefix", .null), ("end_of_word_suffix", .null), ("fuse_unk", .bool(false)),
            ("byte_fallback", .bool(false)), ("ignore_merges", .bool(false)),
            ("vocab", .object(JSONObject(vocabulary))),
            ("merges", .array(merges.map { .array([.string($0.0), .string($0.1)]) })),
        ])
        let document = object([
            ("version", .string("1.0")), ("truncation", .null), ("padding", .null),
            ("added_tokens", .array(added)),
            ("normalizer", .null),
            ("pre_tokenizer", object([
                ("type", .string("Sequence")),
                ("pretokenizers", .array([
                    object([("type", .string("Digits")), ("individual_digits", .bool(true))]),
                    object([("type", .string("ByteLevel"))] + byteLevelOptions),
                ])),
            ])),
            ("post_processor", .null),
            ("decoder", object([("type", .string("ByteLevel"))] + byteLevelOptions)),
            ("model", model),
        ])
        return JSONWriter.string(document, pretty: true) + "\n"
    }

    /// The tokenizer, loaded from `json()` exactly as a file would be.
    public func tokenizer() throws(TokenizerError) -> Tokenizer {
        try Tokenizer(json: json(), file: "trained tokenizer.json")
    }

    public func write(to url: URL) throws(TokenizerError) {
        do {
            try Data(json().utf8).write(to: url, options: .atomic)
        } catch {
            throw .unreadable(file: url.path, reason: "cannot write: \(error.localizedDescription)")
        }
    }
}
