import ArgumentParser
import Collate
import Foundation

struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write TRL preference JSONL per provider and metrics JSONL (TRL's names) per run under exports/.",
        discussion: """
            Preference rows carry prompt_id, chosen/rejected provider, scores and label_source; \
            PEFT adapters are exported by the train stage, which owns them.
            """)

    @OptionGroup var session: SessionOptions

    @Option(help: "Iteration whose labels to export (default: the latest one with labels).")
    var iteration: Int?

    func run() throws {
        let opened = try Session.open(try session.location())
        let status = try opened.store.status()
        let labelled = status.iterations.filter { !$0.effectiveLabels.isEmpty }.map(\.iteration)
        if let iteration = iteration ?? labelled.last {
            let files = try PreferenceExport.write(session: opened, iteration: iteration)
            for (provider, file) in files.sorted(by: { $0.key < $1.key }) {
                print("provider \(provider): \(file.count) pairs -> \(file.url.path)")
            }
        } else {
            print("no labels yet: no preference data to export")
        }
        let runs = try opened.store.read { db in try RunRecord.fetchAll(db) }
        let directory = opened.location.exports.appendingPathComponent("metrics", isDirectory: true)
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
