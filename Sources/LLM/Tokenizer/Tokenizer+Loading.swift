import Foundation

extension Tokenizer {
    /// Loads `tokenizer.json`.
    public convenience init(contentsOf url: URL) throws(TokenizerError) {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw .unreadable(file: url.path, reason: error.localizedDescription)
        }
        try self.init(jsonBytes: data, file: url.path)
    }

    public convenience init(json text: String, file: String = "tokenizer.json") throws(TokenizerError) {
        try self.init(jsonBytes: Array(text.utf8), file: file)
    }

    public convenience init(jsonBytes: some Collection<UInt8>, file: String = "tokenizer.json") throws(TokenizerError) {
        let json: JSONValue
        do { json = try JSONParser.parse(jsonBytes) } catch { throw .invalidJSON(file: file, reason: error.description) }
        guard let object = json.objectValue else {
            throw .field(JSONFieldError(file: file, field: "(top level)", problem: .wrongType(expected: "an object", found: json.kindName)))
        }
        let fields = JSONFields(object, file: file)
        do {
            let model = try TokenizerLoader.model(try fields.fields("model"))
            let addedTokens = try TokenizerLoader.addedTokens(fields)
            let normalizer = try TokenizerLoader.normalizer(fields.value("normalizer"), file: file, path: "normalizer")
            let preTokenizer = try TokenizerLoader.preTokenizer(fields.value("pre_tokenizer"), file: file)
            try TokenizerLoader.checkDecoder(fields.value("decoder"), file: file)
            let postProcessor = try PostProcessor.parse(fields.value("post_processor"), file: file)
            self.init(model: model, addedTokens: addedTokens, normalizer: normalizer,
                      preTokenizer: preTokenizer, postProcessor: postProcessor)
        } catch let error as TokenizerError {
            throw error
        } catch let error as JSONFieldError {
            throw .field(error)
        } catch {
            throw .invalidJSON(file: file, reason: "\(error)")
        }
    }
}

/// Reading the parts of `tokenizer.json`. Each refuses, by name, what it does not implement.
enum TokenizerLoader {
    /// Ids are packed in 32 bits inside the merge table.
    static let maximumTokenID = Int(Int32.max)

    static func model(_ fields: JSONFields) throws -> BPEModel {
        let file = fields.file
        let type = try fields.optionalString("type") ?? "BPE"
        guard type == "BPE" else { throw TokenizerError.unsupported(file: file, component: "model", detail: "type \"\(type)\" (only BPE)") }
        if let dropout = try fields.optionalDouble("dropout"), dropout > 0 {
            throw TokenizerError.unsupported(file: file, component: "model", detail: "BPE dropout \(dropout)")
        }
        if try fields.optionalBool("byte_fallback") == true {
            throw TokenizerError.unsupported(file: file, component: "model", detail: "byte_fallback (SentencePiece-style BPE)")
        }
        for key in ["continuing_subword_prefix", "end_of_word_suffix"] {
            if let affix = try fields.optionalString(key), !affix.isEmpty {
                throw TokenizerError.unsupported(file: file, component: "model", detail: "\(key) \"\(affix)\"")
            }
        }
        let vocabFields = try fields.fields("vocab")
        var vocabulary: [String: Int] = [:]
        vocabulary.reserveCapacity(vocabFields.object.entries.count)
        for (token, value) in vocabFields.object.entries {
            guard let id = value.intValue, (0...maximumTokenID).contains(id) else {
                throw vocabFields.error(token, .wrongType(expected: "an integer id in 0...\(maximumTokenID)", found: value.kindName))
            }
            vocabulary[token] = id
        }
        let merges = try fields.array("merges").enumerated().map { index, value in
            try mergePair(value, index: index, fields: fields)
        }
        return try BPEModel(
            vocabulary: vocabulary, merges: merges, ignoreMerges: try fields.optionalBool("ignore_merges") ?? false,
            unknownToken: try fields.optionalString("unk_token"), file: file)
    }

    /// `"a b"` (tokenizers < 0.20) or `["a", "b"]`.
    private static func mergePair(_ value: JSONValue, index: Int, fields: JSONFields) throws -> (String, String) {
        if let text = value.stringValue {
            let parts = text.split(separator: " ", omittingEmptySubsequences: false)
            guard parts.count == 2 else {
                throw fields.error("merges[\(index)]", .invalid("\"\(text)\" is not two tokens separated by one space"))
            }
            return (String(parts[0]), String(parts[1]))
        }
        if let pair = value.arrayValue, pair.count == 2, let left = pair[0].stringValue, let right = pair[1].stringValue {
            return (left, right)
        }
        throw fields.error("merges[\(index)]", .wrongType(expected: "\"a b\" or [\"a\", \"b\"]", found: value.kindName))
    }

    static func addedTokens(_ fields: JSONFields) throws -> [AddedToken] {
        guard fields.has("added_tokens") else { return [] }
        return try fields.array("added_tokens").enumerated().map { index, value in
            guard let object = value.objectValue else {
                throw fields.error("added_tokens[\(index)]", .wrongType(expected: "an object", found: value.kindName))
            }
            let token = JSONFields(object, file: fields.file, path: "added_tokens[\(index)]")
            let id = try token.int("id")
            guard (0...maximumTokenID).contains(id) else {
                throw token.error("id", .invalid("must be in 0...\(maximumTokenID), found \(id)"))
            }
            return AddedToken(
                id: id, content: try token.string("content"),
                special: try token.optionalBool("special") ?? false,
                lstrip: try token.optionalBool("lstrip") ?? false, rstrip: try token.optionalBool("rstrip") ?? false,
                singleWord: try token.optionalBool("single_word") ?? false)
        }
    }

    static func normalizer(_ value: JSONValue?, file: String, path: String) throws -> Normalizer {
        guard let value else { return .none }
        guard let object = value.objectValue else {
            throw JSONFieldError(file: file, field: path, problem: .wrongType(expected: "an object", found: value.kindName))
        }
        let fields = JSONFields(object, file: file, path: path)
        let type = try fields.string("type")
        switch type {
        case "NFC":
            return .nfc
        case "Sequence":
            let parts = try fields.array("normalizers").enumerated().map { index, part in
                try normalizer(part, file: file, path: "\(path).normalizers[\(index)]")
            }.filter { $0 != .none }
            if parts.isEmpty { return .none }
            if parts.count == 1 { return parts[0] }
            return .nfc  // NFC applied twice is NFC
        default:
            throw TokenizerError.unsupported(file: file, component: "normalizer", detail: "type \"\(type)\"")
        }
    }

    static func preTokenizer(_ value: JSONValue?, file: String) throws -> PreTokenizer {
        guard let value else {
            throw TokenizerError.unsupported(file: file, component: "pre_tokenizer", detail: "none (byte-level BPE needs ByteLevel)")
        }
        let steps = try preTokenizerSteps(value, file: file, path: "pre_tokenizer")
        let byteLevelCount = steps.filter { if case .byteLevel = $0 { true } else { false } }.count
        guard byteLevelCount == 1, case .byteLevel = steps.last else {
            throw TokenizerError.unsupported(file: file, component: "pre_tokenizer", detail: "a pipeline that does not end in exactly one ByteLevel")
        }
        return PreTokenizer(steps: steps)
    }

    private static func preTokenizerSteps(_ value: JSONValue, file: String, path: String) throws -> [PreTokenizerStep] {
        guard let object = value.objectValue else {
            throw JSONFieldError(file: file, field: path, problem: .wrongType(expected: "an object", found: value.kindName))
        }
        let fields = JSONFields(object, file: file, path: path)
        let type = try fields.string("type")
        switch type {
        case "ByteLevel":
            // tokenizers' defaults when the keys are absent: add_prefix_space and use_regex true.
            return [.byteLevel(addPrefixSpace: try fields.optionalBool("add_prefix_space") ?? true,
                               useRegex: try fields.optionalBool("use_regex") ?? true)]
        case "Digits":
            return [.digits(individual: try fields.optionalBool("individual_digits") ?? false)]
        case "Split":
            let pattern = try fields.fields("pattern")
            guard let regex = try pattern.optionalString("Regex") else {
                throw TokenizerError.unsupported(file: file, component: "pre_tokenizer", detail: "Split with a non-regex pattern at \(path)")
            }
            guard let split = SplitPattern(regex: regex) else {
                throw TokenizerError.unsupported(file: file, component: "pre_tokenizer", detail: "Split regex \(regex) (known: GPT-2, Llama 3, Qwen2)")
            }
            let behavior = try fields.optionalString("behavior") ?? "Isolated"
            guard behavior == "Isolated", try fields.optionalBool("invert") != true else {
                throw TokenizerError.unsupported(file: file, component: "pre_tokenizer", detail: "Split behavior \(behavior) (only Isolated, not inverted)")
            }
            return [.split(split)]
        case "Sequence":
            return try fields.array("pretokenizers").enumerated().flatMap { index, step in
                try preTokenizerSteps(step, file: file, path: "\(path).pretokenizers[\(index)]")
            }
        default:
            throw TokenizerError.unsupported(file: file, component: "pre_tokenizer", detail: "type \"\(type)\" at \(path)")
        }
    }

    static func checkDecoder(_ value: JSONValue?, file: String) throws {
        guard let object = value?.objectValue else {
            throw TokenizerError.unsupported(file: file, component: "decoder", detail: "none (byte-level BPE needs ByteLevel)")
        }
        let type = try JSONFields(object, file: file, path: "decoder").string("type")
        guard type == "ByteLevel" else {
            throw TokenizerError.unsupported(file: file, component: "decoder", detail: "type \"\(type)\" (only ByteLevel)")
        }
    }
}
