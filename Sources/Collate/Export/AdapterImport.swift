import Foundation
import LLM

/// `collate import-adapter`: a PEFT adapter trained elsewhere (TRL on a cluster, say) becomes a
/// provider's adapter of an iteration (`adapters/iteration-<I>/provider-<P>/`), which the next
/// iteration's generate stage then uses. Everything is checked before anything is written:
/// adapter_config.json (LoRA, causal LM, no option that changes the maths and that this
/// workbench does not apply), its base against the session's base (when it names a local
/// directory), and every factor's shape against the base's projections. The adapter is then
/// saved under a temporary name and renamed into place.
public enum AdapterImport {
    public struct Imported: Sendable, Equatable {
        public let directory: URL
        public let rank: Int
        public let targets: [String]
        /// Things worth knowing that do not stop the import.
        public let notes: [String]
    }

    public enum Error: Swift.Error, Equatable, CustomStringConvertible {
        case invalid(file: String, field: String, reason: String)
        case exists(path: String)
        case providerOutOfRange(provider: Int, count: Int)

        public var description: String {
            switch self {
            case .invalid(let file, let field, let reason): "\(file): \(field): \(reason)"
            case .exists(let path): "\(path) already holds an adapter (pass --replace to overwrite it)"
            case .providerOutOfRange(let provider, let count): "provider \(provider) is not in 1...\(count)"
            }
        }
    }

    /// The config.json fields that must agree between the adapter's base and the session's.
    static func architecture(_ config: ModelConfig) -> [(String, Int)] {
        [("hidden_size", config.hiddenSize), ("intermediate_size", config.intermediateSize),
         ("num_hidden_layers", config.numHiddenLayers), ("num_attention_heads", config.numAttentionHeads),
         ("num_key_value_heads", config.numKeyValueHeads), ("head_dim", config.headDim), ("vocab_size", config.vocabSize)]
    }

    public static func run(session: Session, provider: Int, iteration: Int, from source: URL,
                           replace: Bool = false) throws -> Imported {
        let count = max(1, session.manifest.effectiveProviderCount)
        guard (1...count).contains(provider) else { throw Error.providerOutOfRange(provider: provider, count: count) }
        let target = ProviderAdapters.directory(session.location, iteration: iteration, provider: provider)
        if !replace, FileManager.default.fileExists(atPath: target.path) { throw Error.exists(path: target.path) }
        let configURL = source.appendingPathComponent(LoRAAdapter.configFileName)
        let config = try PEFTExport.readConfig(configURL)
        let file = configURL.path
        if let task = config["task_type"]?.stringValue, task != "CAUSAL_LM" {
            throw Error.invalid(file: file, field: "task_type", reason: "\"\(task)\" is not CAUSAL_LM")
        }
        // PEFT options that change y = W x + s B A x; the loader refuses the others it knows.
        for key in ["lora_bias", "use_dora"] where config[key]?.boolValue == true {
            throw Error.invalid(file: file, field: key, reason: "true is not supported")
        }
        for key in ["target_parameters", "trainable_token_indices", "layer_replication"] {
            if let value = config[key], !value.isNull, value.arrayValue?.isEmpty != true, value.objectValue?.isEmpty != true {
                throw Error.invalid(file: file, field: key, reason: "is set; this workbench applies LoRA to projections only")
            }
        }
        let baseURL = session.miftDirectory
        let directory = try ModelDirectory(url: baseURL)
        var notes: [String] = []
        if let named = config["base_model_name_or_path"]?.stringValue, !named.isEmpty {
            let namedConfig = URL(fileURLWithPath: named).appendingPathComponent("config.json")
            if FileManager.default.fileExists(atPath: namedConfig.path) {
                let theirs = try ModelConfig(contentsOf: namedConfig)
                for ((field, ours), (_, other)) in zip(architecture(directory.config), architecture(theirs)) where ours != other {
                    throw Error.invalid(file: file, field: "base_model_name_or_path",
                                        reason: "\(named) has \(field) \(other), the session's base \(baseURL.path) has \(ours)")
                }
            } else {
                notes.append("base_model_name_or_path \"\(named)\" is not a local model directory: "
                             + "checked the factors' shapes against the session's base \(baseURL.path) only")
            }
        } else {
            notes.append("adapter_config.json names no base_model_name_or_path")
        }
        let model = try LlamaModel(directory: directory)
        let adapter = try LoRAAdapter(contentsOf: source, for: model)
        if adapter.configuration.rank != session.manifest.lora.rank {
            notes.append("rank \(adapter.configuration.rank) differs from the manifest's [lora] rank \(session.manifest.lora.rank); "
                         + "the adapter keeps its own")
        }
        try SessionWorkspace(session).saveAdapter(adapter, as: AdapterID(iteration: iteration, provider: provider),
                                                  baseDirectory: baseURL)
        return Imported(directory: target, rank: adapter.configuration.rank,
                        targets: adapter.configuration.targets.sorted().map(\.rawValue), notes: notes)
    }
}
