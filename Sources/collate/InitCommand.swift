import ArgumentParser
import Collate
import Foundation

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a session: a default session.toml (kept if one exists) and an empty store.")

    @OptionGroup var session: SessionOptions

    @Option(help: "Task data format: gsm8k or jsonl.")
    var format: String = "gsm8k"

    @Option(help: ArgumentHelp("Training data file (default: data/train.jsonl in the session).", valueName: "file"))
    var train: String?

    @Option(help: ArgumentHelp("Test data file (default with no --train: data/test.jsonl in the session).",
                               valueName: "file"))
    var test: String?

    func validate() throws {
        guard TaskDataFormat(rawValue: format) != nil else {
            throw ValidationError("--format must be gsm8k or jsonl, not \(format)")
        }
    }

    func run() throws {
        let location = try session.location()
        let format = TaskDataFormat(rawValue: format) ?? .gsm8k
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        // Paths given here are relative to where the command runs; the manifest's are relative
        // to the session folder.
        let inManifest = { (path: String) in
            Session.relativePath(of: URL(fileURLWithPath: path, relativeTo: cwd), from: location.folder)
        }
        let data = TaskDataSpec(
            format: format,
            train: train.map(inManifest) ?? "data/train.jsonl",
            test: test.map(inManifest) ?? (train == nil ? "data/test.jsonl" : nil),
            fields: format == .jsonl
                ? FieldMapping(instruction: "instruction", answer: "answer", rationale: "rationale") : nil)
        let (opened, created) = try Session.create(location, data: data)
        print(created ? "wrote \(location.manifest.path)" : "kept the existing \(location.manifest.path)")
        print("store \(location.store.path) (migrations: \(try opened.store.appliedMigrations().count))")
        print("task data: \(opened.manifest.data.train)" + (opened.manifest.data.test.map { ", test \($0)" } ?? ""))
    }
}
