import ArgumentParser
import Collate
import Foundation

struct ImportMetricsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import-metrics",
        abstract: "Import a Hugging Face trainer_state.json as a run, so a remote run shares the charts.")

    @OptionGroup var session: SessionOptions

    @Argument(help: ArgumentHelp("The trainer_state.json of a TRL/HF run.", valueName: "file"))
    var file: String

    func run() throws {
        let opened = try Session.open(try session.location())
        let lock = try opened.lockForStage()
        defer { lock.release() }
        let url = URL(fileURLWithPath: file, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        let result = try MetricsExchange.importTrainerState(url: url, into: opened.store)
        let id = result.run.id.map(String.init) ?? "?"
        print(result.alreadyImported
            ? "already imported as run \(id)"
            : "imported \(result.steps) steps as run \(id)")
    }
}
