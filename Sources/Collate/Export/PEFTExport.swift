import Foundation
import LLM

/// Provider adapters out as PEFT directories that `peft.PeftModel.from_pretrained` loads onto
/// the HF base (FORMATS.md): the adapter's files as the train stage wrote them, with
/// `base_model_name_or_path` set to the absolute path of the base the provider was trained on
/// (`mift/`, else the manifest's model), so PEFT and vLLM find the base without guessing.
public enum PEFTExport {
    /// One exported adapter and what a server would object to.
    public struct Exported: Sendable, Equatable {
        public let provider: Int
        public let directory: URL
        public let rank: Int
        public let targets: [String]
        /// vLLM compatibility warnings (`VLLMCompatibility.warnings`), empty when it serves it as is.
        public let warnings: [String]
    }

    public enum Error: Swift.Error, Equatable, CustomStringConvertible {
        case noAdapters(directory: String, iteration: Int)
        case invalidConfig(file: String, reason: String)

        public var description: String {
            switch self {
            case .noAdapters(let directory, let iteration):
                "\(directory): no provider adapters for iteration \(iteration) (run the providers stage for 0, train for 1 and later)"
            case .invalidConfig(let file, let reason): "\(file): \(reason)"
            }
        }
    }

    /// `exports/peft/iteration-<I>/provider-<P>/` for every provider that has an adapter in
    /// `adapters/iteration-<I>/`.
    public static func write(session: Session, iteration: Int, into root: URL? = nil) throws -> [Exported] {
        let base = session.miftDirectory.standardizedFileURL.path
        let target = (root ?? session.location.exports).appendingPathComponent("peft/iteration-\(iteration)", isDirectory: true)
        var exported: [Exported] = []
        let workspace = try SessionWorkspace(session)
        for provider in workspace.providers {
            let id = AdapterID(iteration: iteration, provider: provider)
            guard try workspace.hasAdapter(id) else { continue }
            let source = workspace.adapterDirectory(id)
            let destination = target.appendingPathComponent(id.name, isDirectory: true)
            exported.append(try copyAdapter(from: source, to: destination, baseModel: base, provider: provider))
        }
        guard !exported.isEmpty else {
            throw Error.noAdapters(directory: session.location.adapters.path, iteration: iteration)
        }
        return exported
    }

    /// Copies a PEFT directory (config rewritten with `baseModel`, weights byte for byte) into
    /// `destination`, built whole by `buildDirectory`.
    public static func copyAdapter(from source: URL, to destination: URL, baseModel: String, provider: Int) throws -> Exported {
        let configURL = source.appendingPathComponent(LoRAAdapter.configFileName)
        var config = try readConfig(configURL)
        config["base_model_name_or_path"] = .string(baseModel)
        let rank = config["r"]?.intValue ?? 0
        let targets = (config["target_modules"]?.arrayValue ?? []).compactMap(\.stringValue)
        do {
            try buildDirectory(destination) { temporary in
                try Data((JSONWriter.string(.object(config), pretty: true) + "\n").utf8)
                    .write(to: temporary.appendingPathComponent(LoRAAdapter.configFileName))
                try FileManager.default.copyItem(at: source.appendingPathComponent(LoRAAdapter.weightsFileName),
                                                to: temporary.appendingPathComponent(LoRAAdapter.weightsFileName))
            }
        } catch {
            throw SessionError.io(path: destination.path, reason: "cannot export the adapter: \(error)")
        }
        return Exported(provider: provider, directory: destination, rank: rank, targets: targets,
                        warnings: VLLMCompatibility.warnings(config: config))
    }

    /// The adapter_config.json of a PEFT directory as an ordered object.
    static func readConfig(_ url: URL) throws -> JSONObject {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw Error.invalidConfig(file: url.path, reason: "cannot read: \(error.localizedDescription)")
        }
        let value: JSONValue
        do { value = try JSONParser.parse(data) } catch {
            throw Error.invalidConfig(file: url.path, reason: "\(error)")
        }
        guard let object = value.objectValue else { throw Error.invalidConfig(file: url.path, reason: "not a JSON object") }
        return object
    }

}

/// What vLLM's multi-LoRA serving accepts (FORMATS.md): ranks up to `--max-lora-rank`
/// (16 unless raised, one of 1, 8, 16, 32, 64, 128, 256, 320, 512), the attention and MLP
/// projections of a decoder layer, and no `modules_to_save` (nor a LoRA on lm_head or the
/// embeddings).
public enum VLLMCompatibility {
    public static let defaultMaxLoRARank = 16
    public static let maxLoRARanks = [1, 8, 16, 32, 64, 128, 256, 320, 512]
    public static let servableTargets: Set<String> = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]

    /// The smallest `--max-lora-rank` value that serves adapters of rank up to `rank`, nil
    /// when no value does.
    public static func maxLoRARank(for rank: Int) -> Int? {
        maxLoRARanks.first { $0 >= rank }
    }

    /// One line per problem of an adapter_config.json, empty when vLLM serves it with its defaults.
    public static func warnings(config: JSONObject) -> [String] {
        var warnings: [String] = []
        if let rank = config["r"]?.intValue, rank > defaultMaxLoRARank {
            if let needed = maxLoRARank(for: rank) {
                warnings.append("rank \(rank) is over vLLM's default max LoRA rank of \(defaultMaxLoRARank): serve with --max-lora-rank \(needed)")
            } else {
                warnings.append("rank \(rank) is over vLLM's largest --max-lora-rank (512): vLLM cannot serve it")
            }
        }
        let targets = (config["target_modules"]?.arrayValue ?? []).compactMap(\.stringValue)
            + (config["target_modules"]?.stringValue.map { [$0] } ?? [])
        let unservable = targets.filter { !servableTargets.contains($0) }.sorted()
        if !unservable.isEmpty {
            warnings.append("target_modules \(unservable.joined(separator: ", ")): vLLM serves LoRA only on "
                            + servableTargets.sorted().joined(separator: ", "))
        }
        if let modules = config["modules_to_save"]?.arrayValue, !modules.isEmpty {
            warnings.append("modules_to_save is set: vLLM rejects adapters with modules_to_save")
        }
        return warnings
    }
}
