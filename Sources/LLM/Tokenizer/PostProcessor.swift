/// What the post-processor adds around a single sequence when special tokens are requested:
/// Llama 3's TemplateProcessing puts `<|begin_of_text|>` first; GPT-2, Qwen2 and SmolLM2 add
/// nothing (their post-processor is ByteLevel, which only adjusts offsets).
public struct PostProcessor: Sendable, Equatable {
    public var prefixTokenIDs: [Int]
    public var suffixTokenIDs: [Int]

    public init(prefixTokenIDs: [Int] = [], suffixTokenIDs: [Int] = []) {
        self.prefixTokenIDs = prefixTokenIDs
        self.suffixTokenIDs = suffixTokenIDs
    }

    static func parse(_ value: JSONValue?, file: String, path: String = "post_processor") throws(TokenizerError) -> PostProcessor {
        guard let value, !value.isNull else { return PostProcessor() }
        do {
            guard let object = value.objectValue else {
                throw JSONFieldError(file: file, field: path, problem: .wrongType(expected: "an object", found: value.kindName))
            }
            let fields = JSONFields(object, file: file, path: path)
            let type = try fields.string("type")
            switch type {
            case "ByteLevel":
                return PostProcessor()
            case "Sequence":
                var combined = PostProcessor()
                for (index, processor) in try fields.array("processors").enumerated() {
                    let part = try parse(processor, file: file, path: "\(path).processors[\(index)]")
                    combined.prefixTokenIDs += part.prefixTokenIDs
                    combined.suffixTokenIDs += part.suffixTokenIDs
                }
                return combined
            case "TemplateProcessing":
                return try template(fields)
            case "RobertaProcessing", "BertProcessing":
                return PostProcessor(prefixTokenIDs: [try tokenPairID(fields, "cls")], suffixTokenIDs: [try tokenPairID(fields, "sep")])
            default:
                throw TokenizerError.unsupported(file: file, component: "post_processor", detail: "type \"\(type)\"")
            }
        } catch let error as TokenizerError {
            throw error
        } catch let error as JSONFieldError {
            throw .field(error)
        } catch {
            throw .invalidJSON(file: file, reason: "\(error)")
        }
    }

    /// `["<s>", 0]` -> 0
    private static func tokenPairID(_ fields: JSONFields, _ key: String) throws -> Int {
        let pair = try fields.array(key)
        guard pair.count == 2, let id = pair[1].intValue else {
            throw fields.error(key, .wrongType(expected: "a [token, id] pair", found: "something else"))
        }
        return id
    }

    /// `single: [{SpecialToken: {id: name}}, {Sequence: {id: "A"}}, ...]`; special tokens before
    /// the sequence are the prefix, after it the suffix; names resolve through `special_tokens`.
    private static func template(_ fields: JSONFields) throws -> PostProcessor {
        let specialTokens = try fields.optionalFields("special_tokens")
        var result = PostProcessor()
        var seenSequence = false
        for (index, item) in try fields.array("single").enumerated() {
            let itemPath = "single[\(index)]"
            guard let object = item.objectValue else {
                throw fields.error(itemPath, .wrongType(expected: "an object", found: item.kindName))
            }
            let itemFields = JSONFields(object, file: fields.file, path: fields.fieldPath(itemPath))
            if itemFields.has("Sequence") {
                seenSequence = true
                continue
            }
            let name = try itemFields.fields("SpecialToken").string("id")
            guard let special = try specialTokens?.optionalFields(name) else {
                throw fields.error("special_tokens", .invalid("has no entry for \"\(name)\""))
            }
            let ids = try special.array("ids").map { value in
                guard let id = value.intValue else { throw special.error("ids", .wrongType(expected: "integers", found: value.kindName)) }
                return id
            }
            if seenSequence { result.suffixTokenIDs += ids } else { result.prefixTokenIDs += ids }
        }
        return result
    }
}
