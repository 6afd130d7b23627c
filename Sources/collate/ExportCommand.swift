import ArgumentParser
import Collate
import Foundation

/// What `collate export` writes.
enum ExportFormat: String, ExpressibleByArgument, CaseIterable {
    /// TRL preference JSONL per provider and metrics JSONL per run (the default, as before).
    case jsonl
    /// A directory per provider that TRL's DPOTrainer trains on as it is.
    case trl
    /// LLaMA-Factory's alpaca preference files and their dataset_info.json.
    case llamafactory
    /// Each provider's adapter as a PEFT directory on the HF base.
    case peft
}

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a session's preference data, adapters or metrics for TRL, LLaMA-Factory, PEFT and vLLM.",
        discussion: """
            --format jsonl (default): exports/iteration-<I>/provider-<P>.preferences.jsonl (TRL rows with \
            prompt_id, chosen/rejected provider, scores, label_source, ref log-probs once stored) and \
            exports/metrics/run-<N>-<kind>.jsonl (TRL's metric names). \
            --format trl: exports/trl/iteration-<I>/provider-<P>/ with train.jsonl (ref_chosen_logps / \
            ref_rejected_logps, computed now with the start adapter when train has not stored them), \
            README.md (dataset card: how it was made), collate_export.json (settings for \
            scale/train_dpo.py) and reference_adapter/ (PEFT). \
            --format llamafactory: exports/llamafactory/iteration-<I>/ alpaca preference JSON + dataset_info.json. \
            --format peft: exports/peft/iteration-<I>/provider-<P>/ (base_model_name_or_path = the base's \
            absolute path); warns on stderr when vLLM would not serve an adapter as it is. \
            The vLLM command line: `collate serve-command`.
            """)

    @OptionGroup var session: SessionOptions

    @Option(help: "jsonl (default), trl, llamafactory or peft.")
    var format: ExportFormat = .jsonl

    @Option(help: "Iteration (default: the latest one with labels; for peft, the latest with adapters).")
    var iteration: Int?

    @Option(help: "Write under this directory instead of the session's exports/.")
    var out: String?

    func run() throws {
        let opened = try Session.open(try session.location())
        let root = out.map { URL(fileURLWithPath: $0, isDirectory: true).standardizedFileURL }
        switch format {
        case .jsonl:
            try exportJSONL(opened, root: root)
        case .trl:
            guard let iteration = try iteration ?? latestLabelled(opened) else { return print("no labels yet: nothing to export") }
            let exported = try TRLExport.write(session: opened, iteration: iteration, into: root)
            if exported.isEmpty { print("iteration \(iteration): no provider has pairs to train on") }
            for item in exported {
                let computed = item.referencesComputed > 0 ? " (reference log-probs computed for \(item.referencesComputed))" : ""
                print("provider \(item.provider): \(item.pairs) pairs\(computed) -> \(item.directory.path)")
            }
        case .llamafactory:
            guard let iteration = try iteration ?? latestLabelled(opened) else { return print("no labels yet: nothing to export") }
            let result = try LlamaFactoryExport.write(session: opened, iteration: iteration, into: root)
            for (name, count) in result.datasets.sorted(by: { $0.key < $1.key }) { print("\(name): \(count) pairs") }
            print("dataset_dir: \(result.directory.path)")
        case .peft:
            let chosen = try iteration ?? latestAdapters(opened)
            guard let chosen else { return print("no adapters yet: nothing to export") }
            for item in try PEFTExport.write(session: opened, iteration: chosen, into: root) {
                print("provider \(item.provider): rank \(item.rank) on \(item.targets.joined(separator: ",")) -> \(item.directory.path)")
                for warning in item.warnings {
                    FileHandle.standardError.write(Data("warning: provider \(item.provider): \(warning)\n".utf8))
                }
            }
        }
    }

    func latestLabelled(_ opened: Session) throws -> Int? {
        try opened.store.status().iterations.filter { !$0.effectiveLabels.isEmpty }.map(\.iteration).last
    }

    func latestAdapters(_ opened: Session) throws -> Int? {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: opened.location.adapters.path)) ?? []
        return names.compactMap { $0.hasPrefix("iteration-") ? Int($0.dropFirst("iteration-".count)) : nil }.max()
    }

    func exportJSONL(_ opened: Session, root: URL?) throws {
        if let iteration = try iteration ?? latestLabelled(opened) {
            let files = try PreferenceExport.write(session: opened, iteration: iteration, into: root)
            for (provider, file) in files.sorted(by: { $0.key < $1.key }) {
                print("provider \(provider): \(file.count) pairs -> \(file.url.path)")
            }
        } else {
            print("no labels yet: no preference data to export")
        }
        let runs = try opened.store.runs()
        let directory = (root ?? opened.location.exports).appendingPathComponent("metrics", isDirectory: true)
        for run in runs {
            guard let id = run.id else { continue }
            let metrics = try opened.store.metrics(runID: id)
            guard !metrics.isEmpty else { continue }
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let url = directory.appendingPathComponent("run-\(id)-\(run.kind).jsonl")
            try Session.writeAtomically(Data(try MetricsExchange.jsonLines(metrics).utf8), to: url)
            print("run \(id) (\(run.kind)): \(metrics.count) steps -> \(url.path)")
        }
    }
}
