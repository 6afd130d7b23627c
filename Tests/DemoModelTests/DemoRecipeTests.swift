import Collate
@testable import DemoModel
import Foundation
import LLM
import TensorCore
import Testing

/// The repository's demo session folder (sessions/demo).
let demoSessionFolder = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("sessions/demo", isDirectory: true)

func demoManifest() throws -> SessionManifest {
    try SessionManifest.load(from: demoSessionFolder.appendingPathComponent("session.toml"))
}

func temporaryDirectory(_ name: String) throws -> URL {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("DemoModelTests-\(name)-\(ProcessInfo.processInfo.processIdentifier)", isDirectory: true)
    try? FileManager.default.removeItem(at: url)
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

@Suite struct DemoRecipeDataTests {
    @Test func extraProblemsAreFreshDistinctAndReproducible() throws {
        let manifest = try demoManifest()
        let session = try DemoExtraProblems.sessionQuestions(manifest: manifest, sessionFolder: demoSessionFolder)
        #expect(session.count == 4600)  // 4000 in train.jsonl (validation included) + 600 in test.jsonl
        let extra = try DemoExtraProblems.examples(count: 300, excluding: session)
        #expect(extra.count == 300)
        #expect(Set(extra.map(\.instruction)).count == 300)
        #expect(Set(extra.map(\.instruction)).isDisjoint(with: session))
        #expect(extra.allSatisfy { !$0.rationale.isEmpty && Int($0.answer) != nil })
        #expect(try DemoExtraProblems.examples(count: 300, excluding: session) == extra)
        // A generator that has run dry says so instead of looping: the session data's own seed
        // (0) draws nothing but session questions for far longer than 5 problems may take.
        #expect(throws: DemoRecipeError.self) { try DemoExtraProblems.examples(count: 5, seed: 0, excluding: session) }
        #expect(throws: DemoRecipeError.self) {
            try DemoExtraProblems.examples(count: 5, excluding: Set(extra.map(\.instruction)).union(session)
                .union(try DemoExtraProblems.examples(count: 2000, excluding: []).map(\.instruction)))
        }
    }

    @Test func trainingExamplesAreTheSessionTrainSplitWithRationales() throws {
        let manifest = try demoManifest()
        let train = try DemoRecipe.trainingExamples(manifest: manifest, sessionFolder: demoSessionFolder)
        let test = try DemoRecipe.testExamples(manifest: manifest, sessionFolder: demoSessionFolder, count: 600)
        // 4000 problems in train.jsonl, 500 of them validation.
        #expect(train.count == 3500)
        #expect(test.count == 600)
        #expect(train.allSatisfy { !$0.rationale.isEmpty && Int($0.answer) != nil })
        #expect(Set(train.map(\.instruction)).isDisjoint(with: test.map(\.instruction)))
        // The first test problem, as written in test.jsonl.
        let firstLine = try String(contentsOf: demoSessionFolder.appendingPathComponent("data/test.jsonl"), encoding: .utf8)
            .split(separator: "\n")[0]
        #expect(firstLine.contains(test[0].answer))
    }

    @Test func sequencesFollowTheTokenBoundaryRule() throws {
        let example = DemoExample(instruction: "Ann has 3 cats and gets 4 more. How many?", rationale: "3 + 4 = 7 cats.", answer: "7")
        let templates = try demoManifest().templates
        let bpe = try DemoRecipe.trainTokenizer([example], templates: templates, vocabularySize: 280)
        let tokenizer = try bpe.tokenizer()
        let eos = try #require(tokenizer.id(of: DemoRecipe.endOfText))
        let dataset = MIFTDataset(examples: [example], templates: templates, tokenizer: tokenizer, eosID: eos, contextLength: 256)
        let modes = dataset.sequences[0]
        #expect(modes.count == 3)
        #expect(tokenizer.decode(modes[0].prompt) == "Q: Ann has 3 cats and gets 4 more. How many?\nA:\n")
        #expect(modes[0].target == tokenizer.encode("7") + [eos])
        #expect(modes[1].target == tokenizer.encode("3 + 4 = 7 cats.") + [eos])
        #expect(tokenizer.decode(modes[2].prompt) == "Q: Ann has 3 cats and gets 4 more. How many?\nR:\n3 + 4 = 7 cats.\nA:\n")
        #expect(modes[2].target == modes[0].target)
        // A context too short for the longest mode drops the example.
        let short = MIFTDataset(examples: [example], templates: templates, tokenizer: tokenizer, eosID: eos,
                                contextLength: modes[2].tokens.count - 1)
        #expect(short.count == 0 && short.droppedCount == 1)
    }

    @Test func samplerCoversEveryProblemOncePerEpochAndIsReproducible() {
        var a = MIFTSampler(problemCount: 7, seed: 3)
        var b = MIFTSampler(problemCount: 7, seed: 3)
        let first = a.nextBatch(size: 7)
        #expect(Set(first.map(\.problem)) == Set(0..<7))
        #expect(first.allSatisfy { (0..<3).contains($0.mode) })
        #expect(b.nextBatch(size: 3) + b.nextBatch(size: 4) == first)
        #expect(a == b)
        // A round trip through JSON (the checkpoint) continues identically.
        let copy = try? JSONDecoder().decode(MIFTSampler.self, from: JSONEncoder().encode(a))
        var restored = copy
        #expect(restored?.nextBatch(size: 10) == a.nextBatch(size: 10))
        #expect(a.epoch == 2)
    }

    @Test func modeWeightsSetHowOftenEachModeIsDrawn() {
        // Unit weights map a draw to itself: the equal mixture is unchanged by the weights.
        #expect((0..<3).map { MIFTSampler.mode($0, weights: [1, 1, 1]) } == [0, 1, 2])
        #expect((0..<5).map { MIFTSampler.mode($0, weights: [1, 3, 1]) } == [0, 1, 1, 1, 2])
        #expect((0..<2).map { MIFTSampler.mode($0, weights: [0, 2, 0]) } == [1, 1])

        var onlyRationales = MIFTSampler(problemCount: 5, seed: 1, modeWeights: [0, 1, 0])
        #expect(onlyRationales.nextBatch(size: 20).allSatisfy { $0.mode == 1 })
        var weighted = MIFTSampler(problemCount: 50, seed: 2, modeWeights: [1, 3, 1])
        let counts = weighted.nextBatch(size: 5000).reduce(into: [0, 0, 0]) { $0[$1.mode] += 1 }
        #expect(abs(Double(counts[1]) / 5000 - 0.6) < 0.03, "\(counts)")
        #expect(abs(Double(counts[0]) / 5000 - 0.2) < 0.03, "\(counts)")
        // The problem order does not depend on the weights.
        var equal = MIFTSampler(problemCount: 50, seed: 2)
        var heavy = MIFTSampler(problemCount: 50, seed: 2, modeWeights: [1, 3, 1])
        #expect(equal.nextBatch(size: 1).map(\.problem) == heavy.nextBatch(size: 1).map(\.problem))
    }
}
