import Foundation

extension ModelConfig {
    /// Reads `config.json` at `url`.
    public init(contentsOf url: URL) throws(ModelConfigError) {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw .unreadable(file: url.path, reason: error.localizedDescription)
        }
        try self.init(jsonBytes: data, file: url.path)
    }

    /// Parses config JSON; `file` names the source in errors.
    public init(jsonBytes: some Collection<UInt8>, file: String = "config.json") throws(ModelConfigError) {
        let json: JSONValue
        do { json = try JSONParser.parse(jsonBytes) } catch { throw .invalidJSON(file: file, reason: error.description) }
        guard let object = json.objectValue else {
            throw .field(JSONFieldError(file: file, field: "(top level)", problem: .wrongType(expected: "an object", found: json.kindName)))
        }
        do {
            try self.init(fields: JSONFields(object, file: file))
        } catch let error as ModelConfigError {
            throw error
        } catch let error as JSONFieldError {
            throw .field(error)
        } catch {
            throw .invalidJSON(file: file, reason: "\(error)")
        }
    }

    public init(json text: String, file: String = "config.json") throws(ModelConfigError) {
        try self.init(jsonBytes: Array(text.utf8), file: file)
    }

    private init(fields: JSONFields) throws {
        let file = fields.file
        let typeName = try fields.string("model_type")
        guard let modelType = ModelType(rawValue: typeName) else {
            throw ModelConfigError.unknownModelType(file: file, modelType: typeName)
        }
        if let activation = try fields.optionalString("hidden_act"), activation != "silu" {
            throw ModelConfigError.unsupportedActivation(file: file, activation: activation)
        }
        let heads = try Self.positive(fields, "num_attention_heads")
        let hidden = try Self.positive(fields, "hidden_size")
        let kvHeads = fields.has("num_key_value_heads") ? try Self.positive(fields, "num_key_value_heads") : heads
        guard heads % kvHeads == 0 else {
            throw fields.error("num_key_value_heads", .invalid("(\(kvHeads)) must divide num_attention_heads (\(heads))"))
        }
        let headDim: Int
        if fields.has("head_dim") {
            headDim = try Self.positive(fields, "head_dim")
        } else {
            guard hidden % heads == 0 else {
                throw fields.error("hidden_size", .invalid("(\(hidden)) is not divisible by num_attention_heads (\(heads)) and head_dim is absent"))
            }
            headDim = hidden / heads
        }
        guard headDim % 2 == 0 else { throw fields.error("head_dim", .invalid("(\(headDim)) must be even for RoPE")) }

        // Newer transformers keep theta and scaling together in `rope_parameters`.
        let ropeParameters = try fields.optionalFields("rope_parameters")
        let ropeTheta = try ropeParameters?.optionalDouble("rope_theta") ?? fields.optionalDouble("rope_theta") ?? 10000
        let scalingFields = try ropeParameters ?? fields.optionalFields("rope_scaling")
        let ropeScaling = try scalingFields.flatMap { scaling throws in try Self.llama3Scaling(scaling) }

        let vocabSize = try Self.positive(fields, "vocab_size")
        let rmsNormEps = try fields.optionalDouble("rms_norm_eps") ?? 1e-6
        guard rmsNormEps.isFinite, rmsNormEps > 0 else {
            throw fields.error("rms_norm_eps", .invalid("must be a positive number, found \(rmsNormEps)"))
        }
        guard ropeTheta.isFinite, ropeTheta > 0 else {
            throw fields.error("rope_theta", .invalid("must be a positive number, found \(ropeTheta)"))
        }
        let maxPositions = try fields.optionalInt("max_position_embeddings")
        if let maxPositions, maxPositions <= 0 {
            throw fields.error("max_position_embeddings", .invalid("must be positive, found \(maxPositions)"))
        }
        let bosTokenID = try fields.optionalInt("bos_token_id")
        let eosTokenIDs = try Self.tokenIDs(fields, "eos_token_id")
        for (key, ids) in [("bos_token_id", bosTokenID.map { [$0] } ?? []), ("eos_token_id", eosTokenIDs)] {
            if let bad = ids.first(where: { !(0..<vocabSize).contains($0) }) {
                throw fields.error(key, .invalid("(\(bad)) is not a token of the vocabulary (vocab_size \(vocabSize))"))
            }
        }

        self.init(
            modelType: modelType,
            vocabSize: vocabSize,
            hiddenSize: hidden,
            intermediateSize: try Self.positive(fields, "intermediate_size"),
            numHiddenLayers: try Self.positive(fields, "num_hidden_layers"),
            numAttentionHeads: heads,
            numKeyValueHeads: kvHeads,
            headDim: headDim,
            rmsNormEps: rmsNormEps,
            ropeTheta: ropeTheta,
            ropeScaling: ropeScaling,
            tieWordEmbeddings: try fields.optionalBool("tie_word_embeddings") ?? false,
            maxPositionEmbeddings: maxPositions,
            bosTokenID: bosTokenID,
            eosTokenIDs: eosTokenIDs,
            torchDtype: try fields.optionalString("torch_dtype") ?? fields.optionalString("dtype"),
            attentionBias: try fields.optionalBool("attention_bias") ?? false,
            slidingWindow: try Self.slidingWindow(fields, modelType: modelType)
        )
    }

    /// Mistral: `sliding_window` (absent means transformers' default 4096, null means none).
    /// Qwen2 with `use_sliding_window: true` windows only some layers (`max_window_layers`):
    /// refused rather than run with full attention everywhere.
    private static func slidingWindow(_ fields: JSONFields, modelType: ModelType) throws -> Int? {
        switch modelType {
        case .llama:
            return nil
        case .mistral:
            guard let value = fields.object["sliding_window"] else { return 4096 }
            return value.isNull ? nil : try positive(fields, "sliding_window")
        case .qwen2:
            if try fields.optionalBool("use_sliding_window") == true {
                throw fields.error("use_sliding_window", .invalid("is true: Qwen2 sliding-window attention is not supported"))
            }
            return nil
        }
    }

    private static func positive(_ fields: JSONFields, _ key: String) throws -> Int {
        let value = try fields.int(key)
        guard value > 0 else { throw fields.error(key, .invalid("must be positive, found \(value)")) }
        return value
    }

    /// `eos_token_id` is an int in most configs and a list in Llama 3's.
    private static func tokenIDs(_ fields: JSONFields, _ key: String) throws -> [Int] {
        guard let value = fields.value(key) else { return [] }
        if let id = value.intValue { return [id] }
        guard let array = value.arrayValue else {
            throw fields.error(key, .wrongType(expected: "an integer or a list of integers", found: value.kindName))
        }
        return try array.map { element in
            guard let id = element.intValue else {
                throw fields.error(key, .wrongType(expected: "an integer or a list of integers", found: "a list holding \(element.kindName)"))
            }
            return id
        }
    }

    /// `rope_scaling` / `rope_parameters`: absent or "default" means none; "llama3" is read;
    /// anything else is refused by name rather than silently ignored.
    private static func llama3Scaling(_ fields: JSONFields) throws -> Llama3RopeScaling? {
        let ropeType = try fields.optionalString("rope_type") ?? fields.optionalString("type") ?? "default"
        switch ropeType {
        case "default":
            return nil
        case "llama3":
            let scaling = Llama3RopeScaling(
                factor: try fields.double("factor"),
                lowFreqFactor: try fields.double("low_freq_factor"),
                highFreqFactor: try fields.double("high_freq_factor"),
                originalMaxPositionEmbeddings: try fields.int("original_max_position_embeddings"))
            guard scaling.highFreqFactor > scaling.lowFreqFactor else {
                throw fields.error("high_freq_factor", .invalid("must be greater than low_freq_factor"))
            }
            guard scaling.factor > 0 else { throw fields.error("factor", .invalid("must be positive")) }
            return scaling
        default:
            throw ModelConfigError.unsupportedRopeScaling(file: fields.file, ropeType: ropeType)
        }
    }

    /// The config as Hugging Face writes it (keys sorted, two-space indent), readable by
    /// transformers and by `init(json:)`.
    public func jsonText() -> String {
        var entries: [(key: String, value: JSONValue)] = [
            ("architectures", .array([.string(modelType.causalLMArchitecture)])),
            ("attention_bias", .bool(attentionBias)),
            ("head_dim", .int(headDim)),
            ("hidden_act", .string("silu")),
            ("hidden_size", .int(hiddenSize)),
            ("intermediate_size", .int(intermediateSize)),
            ("max_position_embeddings", .int(maxPositionEmbeddings)),
            ("model_type", .string(modelType.rawValue)),
            ("num_attention_heads", .int(numAttentionHeads)),
            ("num_hidden_layers", .int(numHiddenLayers)),
            ("num_key_value_heads", .int(numKeyValueHeads)),
            ("rms_norm_eps", .double(rmsNormEps)),
            ("rope_scaling", ropeScaling.map { scaling in .object(JSONObject([
                ("factor", .double(scaling.factor)),
                ("high_freq_factor", .double(scaling.highFreqFactor)),
                ("low_freq_factor", .double(scaling.lowFreqFactor)),
                ("original_max_position_embeddings", .int(scaling.originalMaxPositionEmbeddings)),
                ("rope_type", .string("llama3")),
            ])) } ?? .null),
            ("rope_theta", .double(ropeTheta)),
            ("tie_word_embeddings", .bool(tieWordEmbeddings)),
            ("vocab_size", .int(vocabSize)),
        ]
        if let bosTokenID { entries.append(("bos_token_id", .int(bosTokenID))) }
        if eosTokenIDs.count == 1 {
            entries.append(("eos_token_id", .int(eosTokenIDs[0])))
        } else if !eosTokenIDs.isEmpty {
            entries.append(("eos_token_id", .array(eosTokenIDs.map { .int($0) })))
        }
        if let torchDtype { entries.append(("torch_dtype", .string(torchDtype))) }
        switch modelType {
        case .llama: break
        case .mistral: entries.append(("sliding_window", slidingWindow.map { .int($0) } ?? .null))
        case .qwen2: entries.append(("use_sliding_window", .bool(false)))
        }
        entries.sort { $0.key < $1.key }
        return JSONWriter.string(.object(JSONObject(entries)), pretty: true) + "\n"
    }
}
