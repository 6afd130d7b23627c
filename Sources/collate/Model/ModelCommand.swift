import ArgumentParser
import Foundation
import LLM

/// `collate model ...`: run a Hugging Face checkpoint directly (machine-readable output for
/// scripts, the cross-check and the TUI's tests).
struct ModelCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model",
        abstract: "Inspect, tokenize with, score with and generate with a Hugging Face model directory or a GGUF file.",
        subcommands: [ModelInfoCommand.self, ModelTokenizeCommand.self, ModelLogprobsCommand.self, ModelGenerateCommand.self,
                      ModelImportGGUFCommand.self])
}

/// The model directory argument and the optional adapter, shared by the subcommands.
struct ModelOptions: ParsableArguments {
    @Argument(help: "A Hugging Face model directory (config.json, tokenizer.json, *.safetensors) or a llama-architecture .gguf file.")
    var directory: String

    @Option(help: "A PEFT LoRA adapter directory to apply.")
    var adapter: String?

    @Option(name: .customLong("weights"),
            help: "How the model's matrices are held in memory: f32 (widened), f16, bf16, q8_0 (ggml's 8-bit blocks, quantized on load), or stored (as the checkpoint has them: a GGUF's Q8_0/Q4_0/Q4_1 blocks stay quantized). Narrower decodes faster.")
    var weightPrecision: WeightPrecision = .float32

    func open() throws -> ModelDirectory {
        try ModelDirectory(url: URL(fileURLWithPath: directory))
    }

    /// The model with the adapter (if any) registered as "adapter"; returns its name.
    func load() throws -> (ModelDirectory, LlamaModel, String?) {
        let opened = try open()
        var model = try LlamaModel(directory: opened, weightPrecision: weightPrecision)
        guard let adapter else { return (opened, model, nil) }
        model.adapters["adapter"] = try LoRAAdapter(contentsOf: URL(fileURLWithPath: adapter), for: model)
        return (opened, model, "adapter")
    }
}

extension LlamaModel {
    /// Refuses ids the model cannot run: beyond its vocabulary (a tokenizer that does not
    /// belong to the weights) or longer than its context.
    func checkRunnable(_ ids: [Int], directory: String, extra: Int = 0) throws {
        if let bad = ids.first(where: { $0 < 0 || $0 >= config.vocabSize }) {
            let source = directory.lowercased().hasSuffix(".gguf") ? "\(directory) (tokenizer.ggml.tokens)" : "\(directory)/tokenizer.json"
            throw CommandFailure("\(source): token id \(bad) is outside the model's vocab_size \(config.vocabSize)")
        }
        guard ids.count + extra <= contextLength else {
            throw ValidationError("\(ids.count) tokens (+\(extra) to generate) exceed the context of \(contextLength) positions")
        }
    }
}

extension WeightPrecision: ExpressibleByArgument {}

/// JSON text of simple values, keys in the order given.
enum JSONOut {
    static func object(_ entries: [(String, JSONValue)]) -> String {
        JSONWriter.string(.object(JSONObject(entries.map { (key: $0.0, value: $0.1) })))
    }

    static func floats(_ values: [Float?]) -> JSONValue {
        .array(values.map { $0.map { .double(Double($0)) } ?? .null })
    }

    static func ints(_ values: [Int]) -> JSONValue { .array(values.map { .int($0) }) }
}

struct ModelInfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "info", abstract: "Architecture, parameters, dtype, vocabulary and context.")
    @OptionGroup var model: ModelOptions
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let opened = try model.open()
        let config = opened.config
        let dtypes = Set(try opened.layout.tensors.map { tensor in
            if let gguf = opened.gguf { return try gguf.info(tensor.name).type.name }
            return try opened.weights?.info(tensor.name).dtype.rawValue ?? "?"
        }).sorted()
        let entries: [(String, JSONValue)] = [
            ("architecture", .string(config.modelType.causalLMArchitecture)),
            ("model_type", .string(config.modelType.rawValue)),
            ("parameters", .int(opened.layout.parameterCount)),
            ("dtype", .string(dtypes.joined(separator: ","))),
            ("vocab_size", .int(config.vocabSize)),
            ("context", .int(config.maxPositionEmbeddings)),
            ("hidden_size", .int(config.hiddenSize)),
            ("layers", .int(config.numHiddenLayers)),
            ("heads", .int(config.numAttentionHeads)),
            ("kv_heads", .int(config.numKeyValueHeads)),
            ("tied_embeddings", .bool(config.tieWordEmbeddings)),
            ("qkv_bias", .bool(opened.layout.hasQKVBias)),
        ]
        let format: [(String, JSONValue)] = [("format", .string(opened.gguf == nil ? "safetensors" : "gguf"))]
        if json {
            print(JSONOut.object(entries + format))
        } else {
            for (key, value) in entries + format { print("\(key): \(JSONWriter.string(value))") }
        }
    }
}

struct ModelTokenizeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "tokenize", abstract: "Token ids of a text, as JSON.")
    @OptionGroup var model: ModelOptions
    @Option(help: "The text, used as given.") var text: String
    @Flag(help: "Add the special tokens of the tokenizer's post-processor (BOS).") var bos = false
    @Flag(help: "Print JSON (the default and only format).") var json = false

    func run() throws {
        let url = URL(fileURLWithPath: model.directory)
        // A directory's tokenizer.json alone (no weights needed); a GGUF file's from its metadata.
        let tokenizer = GGUFFile.isGGUF(url) ? try model.open().tokenizer
            : try Tokenizer(contentsOf: url.appendingPathComponent("tokenizer.json"))
        print(JSONOut.object([("ids", JSONOut.ints(tokenizer.encode(text, addSpecialTokens: bos)))]))
    }
}
