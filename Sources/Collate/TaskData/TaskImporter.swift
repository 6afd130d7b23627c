import Foundation
import GRDB

/// What to do with a line that cannot be imported.
public enum BadLinePolicy: Sendable {
    /// Report it and import the rest.
    case skip
    /// Import nothing.
    case fail
}

public struct ImportReport: Sendable, Equatable {
    /// Rows added by this import, per split.
    public var inserted: [DataSplit: Int] = [:]
    /// Lines that were already in the session (a re-import).
    public var alreadyPresent = 0
    public var skipped: [BadLine] = []
    /// Questions asked more than once, kept because duplicates were allowed.
    public var duplicates: [DuplicateQuestion] = []

    public var insertedCount: Int { inserted.values.reduce(0, +) }
}

/// Imports the manifest's task data into the store, in ONE transaction: a failed or killed
/// import leaves the session as it was. Re-importing adds only lines not yet present
/// (unique on file + line) and fails if an imported line has changed. A question asked by
/// more than one line (within a file, across files and splits, or with two gold answers)
/// is refused naming the lines unless `allowDuplicates`.
public enum TaskImporter {
    public static func importData(
        manifest: SessionManifest, location: SessionLocation, store: SessionStore, policy: BadLinePolicy,
        allowDuplicates: Bool = false
    ) throws -> ImportReport {
        let data = manifest.data
        if data.format == .jsonl && data.fields == nil {
            throw TaskDataError.unreadable(file: data.train, reason: "format jsonl needs [data.fields]")
        }
        let train = try TaskFileReader.read(
            url: location.resolve(data.train), displayName: data.train, format: data.format, fields: data.fields)
        var batches: [(file: String, examples: [TaskExample], splits: [DataSplit])] = []
        var bad = train.bad
        let trainSplits = try SplitAssignment.assign(
            count: train.examples.count, spec: manifest.splits, hasTestFile: data.test != nil)
        batches.append((data.train, train.examples, trainSplits))
        if let testFile = data.test {
            let test = try TaskFileReader.read(
                url: location.resolve(testFile), displayName: testFile, format: data.format, fields: data.fields)
            bad += test.bad
            batches.append((testFile, test.examples, Array(repeating: .test, count: test.examples.count)))
        }
        if policy == .fail && !bad.isEmpty { throw TaskDataError.badLines(bad) }
        let duplicates = DuplicateQuestion.find(in: batches)
        if !allowDuplicates && !duplicates.isEmpty { throw TaskDataError.duplicates(duplicates) }

        let toWrite = batches
        var report = try store.write { db in
            var report = ImportReport()
            for batch in toWrite {
                let existing = try existingHashes(db, file: batch.file)
                for (example, split) in zip(batch.examples, batch.splits) {
                    if let hash = existing[example.line] {
                        guard hash == example.sourceHash else {
                            throw TaskDataError.changedSince(file: batch.file, line: example.line)
                        }
                        report.alreadyPresent += 1
                        continue
                    }
                    var record = PromptRecord(
                        split: split, instruction: example.instruction, goldRationale: example.goldRationale,
                        goldAnswer: example.goldAnswer, options: example.options, sourceFile: batch.file,
                        sourceLine: example.line, sourceHash: example.sourceHash)
                    try record.insert(db)
                    report.inserted[split, default: 0] += 1
                }
            }
            return report
        }
        report.skipped = bad
        report.duplicates = duplicates
        return report
    }

    private static func existingHashes(_ db: Database, file: String) throws -> [Int: String] {
        var hashes: [Int: String] = [:]
        let rows = try Row.fetchCursor(db, sql: "SELECT sourceLine, sourceHash FROM prompt WHERE sourceFile = ?",
                                       arguments: [file])
        while let row = try rows.next() { hashes[row["sourceLine"]] = row["sourceHash"] }
        return hashes
    }
}
