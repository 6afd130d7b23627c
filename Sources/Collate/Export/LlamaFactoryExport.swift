import Foundation

/// `collate export --format llamafactory`: LLaMA-Factory's alpaca-format preference dataset
/// (its data/README.md, "Preference Dataset"): one JSON array per provider of
/// `{"instruction", "input", "chosen", "rejected"}` and a `dataset_info.json` whose entries
/// (`file_name`, `ranking: true`, `columns` prompt/query/chosen/rejected) name those files, in
/// `exports/llamafactory/iteration-<I>/`. Point LLaMA-Factory's `dataset_dir` there and use
/// `dataset: <entry name>` with `stage: dpo`. The instruction is the rendered I -> R prompt.
public enum LlamaFactoryExport {
    public struct Row: Codable, Sendable, Equatable {
        public let instruction: String
        public let input: String
        public let chosen: String
        public let rejected: String
    }

    /// One `dataset_info.json` entry.
    public struct DatasetInfo: Codable, Sendable, Equatable {
        public struct Columns: Codable, Sendable, Equatable {
            public let prompt: String
            public let query: String
            public let chosen: String
            public let rejected: String
        }

        public let fileName: String
        public let ranking: Bool
        public let columns: Columns

        enum CodingKeys: String, CodingKey {
            case fileName = "file_name"
            case ranking, columns
        }
    }

    public struct Exported: Sendable, Equatable {
        public let directory: URL
        /// Entry name in dataset_info.json -> pairs, per provider.
        public let datasets: [String: Int]
    }

    public static func rows(_ preferences: [PreferenceRow]) -> [Row] {
        preferences.map { Row(instruction: $0.prompt, input: "", chosen: $0.chosen, rejected: $0.rejected) }
    }

    public static func datasetName(session: String, iteration: Int, provider: Int) -> String {
        "collate_\(session)_iteration\(iteration)_provider\(provider)"
    }

    public static func write(session: Session, iteration: Int, into root: URL? = nil) throws -> Exported {
        let directory = (root ?? session.location.exports).appendingPathComponent("llamafactory/iteration-\(iteration)", isDirectory: true)
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw SessionError.io(path: directory.path, reason: error.localizedDescription)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var info: [String: DatasetInfo] = [:]
        var counts: [String: Int] = [:]
        for (provider, preferences) in try PreferenceExport.rows(session: session, iteration: iteration).sorted(by: { $0.key < $1.key }) {
            let name = datasetName(session: session.location.name, iteration: iteration, provider: provider)
            let fileName = "\(name).json"
            try Session.writeAtomically(try encoder.encode(rows(preferences)), to: directory.appendingPathComponent(fileName))
            info[name] = DatasetInfo(fileName: fileName, ranking: true,
                                     columns: .init(prompt: "instruction", query: "input", chosen: "chosen", rejected: "rejected"))
            counts[name] = preferences.count
        }
        try Session.writeAtomically(try encoder.encode(info), to: directory.appendingPathComponent("dataset_info.json"))
        return Exported(directory: directory, datasets: counts)
    }
}
