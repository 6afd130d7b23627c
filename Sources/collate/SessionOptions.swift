import ArgumentParser
import Collate
import Foundation

/// The options every session subcommand shares: which session, and where sessions live.
struct SessionOptions: ParsableArguments {
    @Argument(help: "The session's name: its folder under the sessions directory.")
    var name: String

    @Option(name: .customLong("sessions-dir"), help: ArgumentHelp(
        "Directory holding the sessions (default: $\(SessionLocation.environmentVariable), else ./sessions).",
        valueName: "dir"))
    var sessionsDirectory: String?

    func location() throws -> SessionLocation {
        let directory = SessionLocation.sessionsDirectory(
            option: sessionsDirectory, environment: ProcessInfo.processInfo.environment,
            currentDirectory: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
        return try SessionLocation(name: name, sessionsDirectory: directory)
    }
}
