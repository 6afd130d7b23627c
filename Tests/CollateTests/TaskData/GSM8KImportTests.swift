import Foundation
import Testing
@testable import Collate
import TensorCore
import TestSupport

@Suite struct GSM8KImportTests {
    /// A session whose manifest points at the shared GSM8K copy by absolute path.
    func importShared(seed: UInt64) throws -> (SessionStore, ImportReport) {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        var manifest = SessionManifest(data: TaskDataSpec(
            format: .gsm8k,
            train: Fixtures.gsm8kDirectory.appendingPathComponent("train.jsonl").path,
            test: Fixtures.gsm8kDirectory.appendingPathComponent("test.jsonl").path))
        manifest.splits.seed = seed
        let location = try SessionLocation(name: "gsm", sessionsDirectory: directory.url)
        let store = try SessionStore()
        let report = try TaskImporter.importData(manifest: manifest, location: location, store: store, policy: .fail)
        return (store, report)
    }

    @Test func everyLineOfBothFilesImports() throws {
        let (store, report) = try importShared(seed: 0)
        #expect(report.skipped.isEmpty)
        #expect(report.inserted == [.train: 7473 - 500, .validation: 500, .test: 1319])
        let prompts = try store.prompts()
        #expect(prompts.count == 7473 + 1319)
        for prompt in prompts {
            let rationale = try #require(prompt.goldRationale)
            #expect(!rationale.contains("<<") && !rationale.contains(">>") && !rationale.contains("####"),
                    "\(prompt.sourceFile):\(prompt.sourceLine)")
            #expect(AnswerChecker.canonicalNumber(prompt.goldAnswer) != nil && !prompt.goldAnswer.contains(","))
        }

        // Spot checks against the files as written.
        let first = try #require(prompts.first { $0.sourceFile.hasSuffix("train.jsonl") && $0.sourceLine == 1 })
        #expect(first.instruction.hasPrefix("Natalia sold clips to 48 of her friends in April"))
        #expect(first.goldRationale == "Natalia sold 48/2 = 24 clips in May.\n"
                + "Natalia sold 48+24 = 72 clips altogether in April and May.")
        #expect(first.goldAnswer == "72")
        let commas = try #require(prompts.first { $0.sourceFile.hasSuffix("train.jsonl") && $0.sourceLine == 645 })
        #expect(commas.goldAnswer == "109200000")
        let test = try #require(prompts.first { $0.sourceFile.hasSuffix("test.jsonl") && $0.sourceLine == 612 })
        #expect(test.goldAnswer == "1450000" && test.split == .test)
    }

    @Test func splitsAreDeterministicForASeedAndDisjoint() throws {
        // One import (a debug-build import of 8,792 lines takes seconds); the split rule itself
        // is checked for other seeds on the same count without the database.
        let (store, _) = try importShared(seed: 5)
        let validation = Set(try store.prompts(split: .validation).map(\.sourceLine))
        let train = Set(try store.prompts(split: .train).map(\.sourceLine))
        #expect(validation.count == 500 && train.isDisjoint(with: validation))
        #expect(train.union(validation) == Set(1...7473))
        func validationPositions(seed: UInt64) throws -> Set<Int> {
            var spec = SplitSpec()
            spec.seed = seed
            let splits = try SplitAssignment.assign(count: 7473, spec: spec, hasTestFile: true)
            // Positions are 0-based over the file's examples; every line is an example here.
            return Set(splits.indices.filter { splits[$0] == .validation }.map { $0 + 1 })
        }
        #expect(try validationPositions(seed: 5) == validation)
        #expect(try validationPositions(seed: 6) != validation)
        let test = try store.prompts(split: .test)
        #expect(test.count == 1319 && test.allSatisfy { $0.sourceFile.hasSuffix("test.jsonl") })
    }
}

@Suite struct SplitAssignmentTests {
    @Test func carvesValidationAndTestFromOneFile() throws {
        var spec = SplitSpec()
        spec.seed = 3
        spec.validationSize = nil
        spec.validationFraction = 0.2
        spec.testFraction = 0.1
        let splits = try SplitAssignment.assign(count: 100, spec: spec, hasTestFile: false)
        #expect(splits.filter { $0 == .validation }.count == 20)
        #expect(splits.filter { $0 == .test }.count == 10)
        #expect(splits.filter { $0 == .train }.count == 70)
        #expect(try SplitAssignment.assign(count: 100, spec: spec, hasTestFile: false) == splits)
        #expect(try SplitAssignment.assign(count: 100, spec: spec, hasTestFile: true).filter { $0 == .test }.isEmpty)
        spec.validationFraction = 0.95
        #expect(throws: TaskDataError.self) { try SplitAssignment.assign(count: 100, spec: spec, hasTestFile: false) }
    }

    @Test func splitMixIsStable() {
        // Reference values of SplitMix64 (seed 1234567), as published with the algorithm.
        var generator = SplitMix64(seed: 1_234_567)
        #expect(generator.next() == 6_457_827_717_110_365_317)
        #expect(generator.next() == 3_203_168_211_198_807_973)
    }
}
