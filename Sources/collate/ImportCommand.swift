import ArgumentParser
import Collate

struct ImportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "import",
        abstract: "Import the manifest's task data into the session (rerunning adds only what is missing).")

    enum Policy: EnumerableFlag {
        case strict
        case skipBadLines

        static func help(for value: Policy) -> ArgumentHelp? {
            switch value {
            case .strict: "Import nothing if any line is bad (default)."
            case .skipBadLines: "Report bad lines, import the others."
            }
        }
    }

    @OptionGroup var session: SessionOptions

    @Flag(exclusivity: .exclusive)
    var policy: Policy = .strict

    @Flag(help: "Import questions asked by more than one line (by default refused, naming the lines: a copy in train and test is test contamination).")
    var allowDuplicates = false

    func run() throws {
        let opened = try Session.open(try session.location())
        let lock = try opened.lockForStage()
        defer { lock.release() }
        let report = try TaskImporter.importData(
            manifest: opened.manifest, location: opened.location, store: opened.store,
            policy: policy == .strict ? .fail : .skip, allowDuplicates: allowDuplicates)
        for line in report.skipped { print("skipped \(line)") }
        for duplicate in report.duplicates { print("kept duplicate: \(duplicate)") }
        let counts = DataSplit.allCases.map { "\(report.inserted[$0, default: 0]) \($0.rawValue)" }
        print("imported \(report.insertedCount) prompts (\(counts.joined(separator: ", "))); "
            + "\(report.alreadyPresent) already present; \(report.skipped.count) bad lines skipped")
    }
}
