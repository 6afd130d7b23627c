import ArgumentParser
import Collate
import Foundation

/// The options every session subcommand shares: which session, and where sessions live.
struct SessionOptions: ParsableArguments {
    @Argument(help: "The session's name: its folder under the sessions directory.")
    var name: String

    @OptionGroup var directory: SessionsDirectoryOption

    func location() throws -> SessionLocation {
        try SessionLocation(name: name, sessionsDirectory: directory.url())
    }
}

/// `--sessions-dir`, for the commands that name their sessions themselves (`open` has a
/// default name; `demo slips` takes several).
struct SessionsDirectoryOption: ParsableArguments {
    @Option(name: .customLong("sessions-dir"), help: ArgumentHelp(
        "Directory holding the sessions (default: $\(SessionLocation.environmentVariable), else ./sessions).",
        valueName: "dir"))
    var sessionsDirectory: String?

    func url() -> URL {
        SessionLocation.sessionsDirectory(
            option: sessionsDirectory, environment: ProcessInfo.processInfo.environment,
            currentDirectory: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
    }
}
