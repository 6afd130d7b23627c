/// The tokenizer of a GGUF file (`tokenizer.ggml.*`) as `tokenizer.json` text, which our
/// `Tokenizer` then loads (and `import-gguf` writes as is, for transformers to load).
///
/// Only `tokenizer.ggml.model = "gpt2"` (byte-level BPE) is supported. `tokenizer.ggml.pre`
/// names llama.cpp's pre-tokenizer; each known name maps to the `tokenizer.json` pipeline of
/// the models it was made for. Tokens typed control (3) become special added tokens and
/// user-defined (4) plain added tokens, as convert_hf_to_gguf.py typed them from
/// tokenizer.json's `added_tokens`.
public enum GGUFTokenizer {
    /// llama.cpp's pre-tokenizer names -> (normalizer, pre_tokenizer) of tokenizer.json.
    static func pipeline(_ name: String) -> (normalizer: JSONValue, preTokenizer: JSONValue)? {
        func byteLevel(useRegex: Bool) -> JSONValue {
            .object(JSONObject([("type", .string("ByteLevel")), ("add_prefix_space", .bool(false)),
                                ("trim_offsets", .bool(true)), ("use_regex", .bool(useRegex))]))
        }
        func split(_ regex: String) -> JSONValue {
            .object(JSONObject([("type", .string("Split")), ("pattern", .object(JSONObject([("Regex", .string(regex))]))),
                                ("behavior", .string("Isolated")), ("invert", .bool(false))]))
        }
        func sequence(_ steps: [JSONValue]) -> JSONValue {
            .object(JSONObject([("type", .string("Sequence")), ("pretokenizers", .array(steps))]))
        }
        let digits: JSONValue = .object(JSONObject([("type", .string("Digits")), ("individual_digits", .bool(true))]))
        switch name {
        case "gpt-2", "gpt2":
            return (.null, byteLevel(useRegex: true))
        case "smollm":
            // SmolLM/SmolLM2: every digit its own piece, then GPT-2's split.
            return (.null, sequence([digits, byteLevel(useRegex: true)]))
        case "llama-bpe", "llama3":
            return (.null, sequence([split(SplitPattern.llama3Regex), byteLevel(useRegex: false)]))
        case "qwen2":
            return (.object(JSONObject([("type", .string("NFC"))])),
                    sequence([split(SplitPattern.qwen2Regex), byteLevel(useRegex: false)]))
        default:
            return nil
        }
    }

    public static let supportedPreTokenizers = ["gpt-2", "smollm", "llama-bpe", "qwen2"]

    /// tokenizer.json text for `file`'s tokenizer.
    public static func json(_ file: GGUFFile) throws(GGUFError) -> String {
        let path = file.path
        let model = try file.string("tokenizer.ggml.model")
        guard model == "gpt2" else {
            throw .unsupportedModel(file: path, reason: "tokenizer.ggml.model is \"\(model)\"; only \"gpt2\" (byte-level BPE) is supported")
        }
        let pre = try file.string("tokenizer.ggml.pre")
        guard let (normalizer, preTokenizer) = pipeline(pre) else {
            throw .unsupportedModel(file: path, reason: "tokenizer.ggml.pre \"\(pre)\" is not a pre-tokenizer we know (supported: \(supportedPreTokenizers.joined(separator: ", ")))")
        }
        let tokens = try file.strings("tokenizer.ggml.tokens")
        let merges = try file.strings("tokenizer.ggml.merges")
        let types = try file.optionalInts("tokenizer.ggml.token_type") ?? []
        guard types.isEmpty || types.count == tokens.count else {
            throw .invalidValue(file: path, key: "tokenizer.ggml.token_type", reason: "has \(types.count) entries for \(tokens.count) tokens")
        }
        for key in ["bos_token_id", "eos_token_id", "padding_token_id", "unknown_token_id"] {
            if let id = try file.optionalInt("tokenizer.ggml.\(key)"), !(0..<tokens.count).contains(id) {
                throw .invalidValue(file: path, key: "tokenizer.ggml.\(key)", reason: "\(id) is not a token id (0..<\(tokens.count))")
            }
        }
        var firstID: [String: Int] = [:]
        firstID.reserveCapacity(tokens.count)
        for (id, token) in tokens.enumerated() {
            if let first = firstID.updateValue(id, forKey: token) {
                throw .invalidValue(file: path, key: "tokenizer.ggml.tokens", reason: "token \(token.debugDescription) appears twice (ids \(first) and \(id))")
            }
        }
        var vocab: [(key: String, value: JSONValue)] = []
        vocab.reserveCapacity(tokens.count)
        var added: [JSONValue] = []
        for (id, token) in tokens.enumerated() {
            vocab.append((token, .int(id)))
            let type = types.isEmpty ? 1 : types[id]
            guard type == 3 || type == 4 else { continue }
            added.append(.object(JSONObject([
                ("id", .int(id)), ("content", .string(token)), ("single_word", .bool(false)), ("lstrip", .bool(false)),
                ("rstrip", .bool(false)), ("normalized", .bool(type == 4)), ("special", .bool(type == 3)),
            ])))
        }
        // add_bos_token / add_eos_token: what encode(addSpecialTokens: true) puts around a text.
        func special(_ flag: String, _ idKey: String) throws(GGUFError) -> (token: String, id: Int)? {
            guard try file.optionalBool("tokenizer.ggml.\(flag)") == true,
                  let id = try file.optionalInt("tokenizer.ggml.\(idKey)") else { return nil }
            return (tokens[id], id)
        }
        let bos = try special("add_bos_token", "bos_token_id"), eos = try special("add_eos_token", "eos_token_id")
        let bpe = JSONObject([
            ("type", .string("BPE")), ("dropout", .null), ("unk_token", .null), ("continuing_subword_prefix", .null),
            ("end_of_word_suffix", .null), ("fuse_unk", .bool(false)), ("byte_fallback", .bool(false)),
            ("ignore_merges", .bool(pre == "llama-bpe" || pre == "llama3")),
            ("vocab", .object(JSONObject(vocab))), ("merges", .array(merges.map(JSONValue.string))),
        ])
        let tokenizer = JSONObject([
            ("version", .string("1.0")), ("truncation", .null), ("padding", .null), ("added_tokens", .array(added)),
            ("normalizer", normalizer), ("pre_tokenizer", preTokenizer),
            ("post_processor", postProcessor(prefix: bos, suffix: eos)),
            ("decoder", .object(JSONObject([("type", .string("ByteLevel")), ("add_prefix_space", .bool(true)),
                                            ("trim_offsets", .bool(true)), ("use_regex", .bool(true))]))),
            ("model", .object(bpe)),
        ])
        return JSONWriter.string(.object(tokenizer))
    }

    /// ByteLevel alone, or a TemplateProcessing that puts BOS first and/or EOS last.
    private static func postProcessor(prefix: (token: String, id: Int)?, suffix: (token: String, id: Int)?) -> JSONValue {
        guard prefix != nil || suffix != nil else {
            return .object(JSONObject([("type", .string("ByteLevel")), ("add_prefix_space", .bool(true)),
                                       ("trim_offsets", .bool(false)), ("use_regex", .bool(true))]))
        }
        func special(_ name: String) -> JSONValue {
            .object(JSONObject([("SpecialToken", .object(JSONObject([("id", .string(name)), ("type_id", .int(0))])))]))
        }
        func sequence(_ name: String, _ type: Int) -> JSONValue {
            .object(JSONObject([("Sequence", .object(JSONObject([("id", .string(name)), ("type_id", .int(type))])))]))
        }
        let first = prefix.map { [special($0.token)] } ?? [], last = suffix.map { [special($0.token)] } ?? []
        let entries = [prefix, suffix].compactMap { $0 }.map { token in
            (key: token.token, value: JSONValue.object(JSONObject([
                ("id", .string(token.token)), ("ids", .array([.int(token.id)])), ("tokens", .array([.string(token.token)])),
            ])))
        }
        return .object(JSONObject([
            ("type", .string("TemplateProcessing")),
            ("single", .array(first + [sequence("A", 0)] + last)),
            ("pair", .array(first + [sequence("A", 0)] + last + first + [sequence("B", 1)] + last)),
            ("special_tokens", .object(JSONObject(entries.reduce(into: []) { list, entry in
                if !list.contains(where: { $0.key == entry.key }) { list.append(entry) }
            }))),
        ]))
    }
}
