import Foundation
import Testing
@testable import Collate
import TestSupport

/// The committed demo session (sessions/demo): its manifest, its data, and the import path,
/// always on a temporary copy so that no test writes into the repository.
@Suite struct DemoSessionTests {
    static let demoFolder = Fixtures.repositoryRoot.appendingPathComponent("sessions/demo", isDirectory: true)

    /// A copy of the manifest and data under a fresh sessions directory (the model, when it
    /// exists, is not needed to import).
    func copyOfDemo() throws -> (TemporaryDirectory, URL) {
        let directory = try TemporaryDirectory()
        let sessions = directory.url.appendingPathComponent("sessions", isDirectory: true)
        let copy = sessions.appendingPathComponent("demo", isDirectory: true)
        try FileManager.default.createDirectory(at: copy, withIntermediateDirectories: true)
        for item in ["session.toml", "data"] {
            try FileManager.default.copyItem(at: Self.demoFolder.appendingPathComponent(item),
                                             to: copy.appendingPathComponent(item))
        }
        return (directory, sessions)
    }

    @Test func theManifestValidatesWithTheDemoSettings() throws {
        let manifest = try SessionManifest.load(from: Self.demoFolder.appendingPathComponent("session.toml"))
        #expect(manifest.model == "model")
        #expect(manifest.data == TaskDataSpec(format: .gsm8k, train: "data/train.jsonl", test: "data/test.jsonl"))
        #expect(manifest.providerCount == 2 && manifest.iterations == 2)
        #expect(manifest.splits.validationSize == 500 && manifest.splits.testFraction == 0)
        #expect(manifest.decoding.strategy == .sample && manifest.decoding.evalStrategy == .greedy)
        #expect(manifest.decoding.maxNewTokens <= 128)
        #expect(manifest.lora.rank <= 8)
        let rendered = manifest.templates.render(.answerWithRationale, instruction: "1 + 1?", rationale: "1 + 1 = 2.")
        #expect(rendered == "Q: 1 + 1?\nR:\n1 + 1 = 2.\nA:\n")
    }

    @Test func theCommittedDataIsWhatTheDocumentedCommandWrites() throws {
        // README and session.toml: collate demo data --out sessions/demo/data (train 4000, test 600, seed 0).
        let splits = try DemoTaskGenerator.generate(train: 4000, test: 600, seed: 0)
        let data = Self.demoFolder.appendingPathComponent("data")
        let train = try String(contentsOf: data.appendingPathComponent("train.jsonl"), encoding: .utf8)
        let test = try String(contentsOf: data.appendingPathComponent("test.jsonl"), encoding: .utf8)
        #expect(train == DemoTaskGenerator.jsonl(splits.train))
        #expect(test == DemoTaskGenerator.jsonl(splits.test))
        #expect(train.utf8.count + test.utf8.count < 2_000_000)
    }

    @Test func aCopyImportsIntoDisjointSplits() throws {
        // The bundled folder's store, if a command of the user's made one: the test must not touch it.
        let store = Self.demoFolder.appendingPathComponent("state.sqlite").path
        func stamp() -> Date? { (try? FileManager.default.attributesOfItem(atPath: store))?[.modificationDate] as? Date }
        let before = stamp()
        let (directory, sessions) = try copyOfDemo()
        defer { directory.remove() }
        let session = try Session.open(try SessionLocation(name: "demo", sessionsDirectory: sessions))
        let report = try TaskImporter.importData(
            manifest: session.manifest, location: session.location, store: session.store, policy: .fail)
        #expect(report.skipped.isEmpty)
        #expect(report.inserted == [.train: 3500, .validation: 500, .test: 600])
        var questions: [DataSplit: Set<String>] = [:]
        for split in DataSplit.allCases {
            let prompts = try session.store.prompts(split: split)
            questions[split] = Set(prompts.map(\.instruction))
            #expect(questions[split]?.count == prompts.count, "a question repeats inside \(split)")
            #expect(prompts.allSatisfy { $0.goldRationale != nil })
        }
        let train = questions[.train] ?? [], validation = questions[.validation] ?? [], test = questions[.test] ?? []
        #expect(train.isDisjoint(with: validation) && train.isDisjoint(with: test) && validation.isDisjoint(with: test))
        // Nothing was written into the repository's own session folder.
        #expect(stamp() == before)
    }

    @Test func theCLIImportsACopy() throws {
        let executable = LabelSurvivesKillTests.executable
        try #require(FileManager.default.isExecutableFile(atPath: executable.path),
                     "build the collate product first (swift build --build-tests)")
        let (directory, sessions) = try copyOfDemo()
        defer { directory.remove() }
        let process = Process()
        process.executableURL = executable
        process.arguments = ["import", "demo", "--sessions-dir", sessions.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(output)")
        #expect(output.contains("imported 4600 prompts (3500 train, 500 validation, 600 test)"), "\(output)")
    }
}
