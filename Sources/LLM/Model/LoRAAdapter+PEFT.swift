import Foundation
import TensorCore

/// Why a PEFT adapter directory cannot be used.
public struct PEFTAdapterError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var reason: String
    public var description: String { "\(file): \(reason)" }
}

/// The PEFT directory layout (FORMATS.md): `adapter_config.json` and
/// `adapter_model.safetensors` with `base_model.model.model.layers.{i}.{module}.lora_A.weight`
/// [r, in] and `...lora_B.weight` [out, r].
extension LoRAAdapter {
    public static let configFileName = "adapter_config.json"
    public static let weightsFileName = "adapter_model.safetensors"

    /// Writes the adapter (F32 factors) into `directory`.
    public func save(to directory: URL, baseModel: String = "") throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let c = configuration
        let object = JSONObject([
            ("base_model_name_or_path", .string(baseModel)),
            ("bias", .string("none")),
            ("fan_in_fan_out", .bool(false)),
            ("inference_mode", .bool(true)),
            ("lora_alpha", .double(Double(c.alpha))),
            ("lora_dropout", .double(Double(c.dropout))),
            ("peft_type", .string("LORA")),
            ("r", .int(c.rank)),
            ("target_modules", .array(c.targets.sorted().map { .string($0.rawValue) })),
            ("task_type", .string("CAUSAL_LM")),
            ("use_rslora", .bool(c.useRSLoRA)),
        ])
        try Data((JSONWriter.string(.object(object), pretty: true) + "\n").utf8)
            .write(to: directory.appendingPathComponent(Self.configFileName), options: .atomic)
        var tensors: [SafetensorsTensor] = []
        for (index, pairs) in layers.enumerated() {
            for (target, pair) in pairs {
                let name = Self.parameterName(layer: index, target: target)
                tensors.append(SafetensorsTensor(name: name + ".lora_A.weight", dtype: .f32, shape: pair.a.shape, floats: pair.a.value.scalars))
                tensors.append(SafetensorsTensor(name: name + ".lora_B.weight", dtype: .f32, shape: pair.b.shape, floats: pair.b.value.scalars))
            }
        }
        try SafetensorsWriter.write(tensors, metadata: ["format": "pt"], to: directory.appendingPathComponent(Self.weightsFileName))
    }

    /// Reads an adapter for `model` from `directory`, checking every factor's shape against
    /// the base. The factors are trainable (`requiresGrad`), so loading resumes training.
    public init(contentsOf directory: URL, for model: LlamaModel) throws {
        let configURL = directory.appendingPathComponent(Self.configFileName)
        let configPath = configURL.path
        func fail(_ file: String, _ reason: String) -> PEFTAdapterError { PEFTAdapterError(file: file, reason: reason) }
        let data: Data
        do { data = try Data(contentsOf: configURL) } catch { throw fail(configPath, "cannot read: \(error.localizedDescription)") }
        let json: JSONValue
        do { json = try JSONParser.parse(data) } catch { throw fail(configPath, "not valid JSON: \(error.description)") }
        guard let object = json.objectValue else { throw fail(configPath, "not a JSON object") }
        let fields = JSONFields(object, file: configPath)
        let peftType = try fields.optionalString("peft_type") ?? "LORA"
        guard peftType == "LORA" else { throw fail(configPath, "peft_type \"\(peftType)\" is not LORA") }
        let rank = try fields.int("r")
        guard rank > 0 else { throw fail(configPath, "r must be positive, found \(rank)") }
        let alpha = Float(try fields.optionalDouble("lora_alpha") ?? 8)
        if let bias = try fields.optionalString("bias"), bias != "none" { throw fail(configPath, "bias \"\(bias)\" is not supported (only \"none\")") }
        if try fields.optionalBool("fan_in_fan_out") == true { throw fail(configPath, "fan_in_fan_out true is not supported") }
        // Options that would change the maths are refused by name rather than ignored.
        for key in ["modules_to_save", "layers_to_transform", "rank_pattern", "alpha_pattern"] {
            if let value = fields.value(key), !value.isNull, value.arrayValue?.isEmpty != true, value.objectValue?.isEmpty != true {
                throw fail(configPath, "\(key) is not supported")
            }
        }
        if try fields.optionalBool("use_dora") == true { throw fail(configPath, "use_dora (DoRA) is not supported") }
        var targets = Set<LoRATarget>()
        if let list = fields.value("target_modules")?.arrayValue {
            for value in list {
                guard let name = value.stringValue, let target = LoRATarget(rawValue: name) else {
                    throw fail(configPath, "target_modules entry \(value) is not one of " + LoRATarget.allCases.map(\.rawValue).joined(separator: ", "))
                }
                targets.insert(target)
            }
        } else if let name = try fields.optionalString("target_modules") {
            guard let target = LoRATarget(rawValue: name) else { throw fail(configPath, "target_modules \"\(name)\" is not supported") }
            targets.insert(target)
        }
        let configuration = LoRAConfiguration(
            rank: rank, alpha: alpha, targets: targets, useRSLoRA: try fields.optionalBool("use_rslora") ?? false,
            dropout: Float(try fields.optionalDouble("lora_dropout") ?? 0))
        let file = try SafetensorsFile(url: directory.appendingPathComponent(Self.weightsFileName))
        var layers: [[LoRATarget: LoRAPair]] = []
        var used = Set<String>()
        for (index, layer) in model.layers.enumerated() {
            var pairs: [LoRATarget: LoRAPair] = [:]
            for target in targets.sorted() {
                let shape = layer.weight(target).shape   // [out, in]
                let base = Self.parameterName(layer: index, target: target)
                func load(_ suffix: String, _ expected: [Int]) throws -> Variable {
                    let name = base + suffix
                    guard file.contains(name) else { throw fail(file.path, "missing tensor \"\(name)\"") }
                    let info = try file.info(name)
                    guard info.shape == expected else { throw fail(file.path, "tensor \"\(name)\" has shape \(info.shape), expected \(expected)") }
                    guard let encoding = ScalarEncoding(rawValue: info.dtype.rawValue) else {
                        throw fail(file.path, "tensor \"\(name)\" is \(info.dtype.rawValue); expected F32, F16 or BF16")
                    }
                    used.insert(name)
                    return Variable(try Tensor(littleEndianBytes: try file.finiteBytes(name), encoding: encoding, shape: expected),
                                    requiresGrad: true, name: name)
                }
                pairs[target] = LoRAPair(a: try load(".lora_A.weight", [rank, shape[1]]),
                                         b: try load(".lora_B.weight", [shape[0], rank]))
            }
            layers.append(pairs)
        }
        if let extra = file.tensorNames.first(where: { !used.contains($0) }) {
            throw fail(file.path, "unexpected tensor \"\(extra)\" (layers beyond the base, or a module this loader does not apply)")
        }
        self.init(configuration: configuration, layers: layers)
    }
}
