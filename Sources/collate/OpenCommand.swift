import ArgumentParser
import Collate
import Foundation
import TUICurses
import TUIKit
import Workbench
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

struct OpenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "open",
        abstract: "Open the workbench on a session (what `collate` alone does, on the session \"demo\").",
        discussion: """
            Imports the session's task data first if that has not been done, and starts generating \
            rationales if there are none yet (--no-generate: wait for `g`). Every label is written to the \
            session's store as it is made; there is nothing to save. Generate, score, train and eval run in the \
            background on the session's model (mift/, else the manifest's model); without one they say what \
            is missing. NO_COLOR set to anything gives a monochrome screen.
            """)

    @Argument(help: "The session's name: its folder under the sessions directory.")
    var name: String = "demo"

    @OptionGroup var sessionsDirectory: SessionsDirectoryOption

    @Option(help: ArgumentHelp(
        "Colour theme: a NAME.theme file of the themes/ folder (dark, light, high-contrast); "
            + "a missing or broken one falls back to dark with a notice.", valueName: "name"))
    var theme: String = "dark"

    @Option(name: .customLong("keys"), help: ArgumentHelp(
        "A key bindings file overriding the default keys (lines like `move_down = \"j\"`, `reject_1 = \"r 1\"`).", valueName: "file"))
    var keysFile: String?

    @Flag(help: "Let mouse clicks select prompts and columns, and the wheel scroll.")
    var mouse = false

    @Flag(name: .customLong("no-generate"),
          help: "Do not start generating rationales when the session has none yet (a first open does by default).")
    var noGenerate = false

    struct OpenError: Error, CustomStringConvertible {
        let description: String
    }

    func run() throws {
        let environment = ProcessInfo.processInfo.environment
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath)
        let directory = sessionsDirectory.url()
        let location = try SessionLocation(name: name, sessionsDirectory: directory)
        let session = try Session.open(location)
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else {
            throw OpenError(description: "the workbench needs a terminal, but standard input or output is not one "
                + "(use `collate status \(name)` or `collate label \(name) ...` from scripts)")
        }
        if try !session.store.hasPrompts() {
            print("importing the task data of session \(name) (\(session.manifest.data.train)) ...")
            fflush(nil)
            let report = try TaskImporter.importData(
                manifest: session.manifest, location: location, store: session.store, policy: .fail)
            print("imported \(report.insertedCount) prompts")
        }
        var notices: [String] = []
        var keymap = Keymap.standard
        if let keysFile {
            if FileManager.default.fileExists(atPath: keysFile) {
                let loaded = KeymapFile.load(path: keysFile)
                keymap = loaded.keymap
                if let error = loaded.error { notices.append("\(error); using the default keys") }
            } else {
                notices.append("no keys file at \(keysFile); using the default keys")
            }
        }
        let themes = Self.themesDirectory(sessionsDirectory: directory, currentDirectory: cwd)
            .map(ThemeLibrary.load(directory:)) ?? ThemeLibrary()
        // With a model on disk the keys run the real stages; without one they say what is missing.
        let jobs: (any SessionJobRunner)? = session.hasMIFTModel ? ModelJobRunner() : nil
        let backend = try SessionBackend(session: session, jobs: jobs)
        let options = CursesTerminal.Options(enableMouse: mouse, environment: environment)
        try CursesTerminal.run(options: options) { terminal in
            try runWorkbench(backend: backend, terminal: terminal, keymap: keymap, themes: themes,
                             themeName: theme, notices: notices, generateWhenEmpty: jobs != nil && !noGenerate)
        }
    }

    /// The first `themes/` folder of: beside the sessions directory (a repository's
    /// `sessions/` and `themes/`), the working directory, and the folders above the
    /// executable (`.build/release/collate` in a clone).
    static func themesDirectory(sessionsDirectory: URL, currentDirectory: URL) -> String? {
        var candidates = [sessionsDirectory.deletingLastPathComponent(), currentDirectory]
        if let executable = Bundle.main.executableURL?.resolvingSymlinksInPath() {
            var folder = executable.deletingLastPathComponent()
            for _ in 0..<4 {
                candidates.append(folder)
                folder = folder.deletingLastPathComponent()
            }
        }
        for base in candidates {
            let themes = base.appendingPathComponent("themes", isDirectory: true)
            if FileManager.default.fileExists(atPath: themes.appendingPathComponent("dark.theme").path) {
                return themes.path
            }
        }
        return nil
    }
}
