import Foundation
import LLM
import TensorCore
import Testing
@testable import Collate

@Suite struct MIFTStageTests {
    /// The stage fixture (a tiny random base in `model/`), gold rationales on three of its four
    /// training prompts, and MIFT settings that move it in a few steps.
    static func fixture() throws -> (StageFixture, Session) {
        let fixture = try StageFixture(providers: 2, withAdapters: false, train: 4)
        try fixture.session.store.write { db in
            try db.execute(sql: "UPDATE prompt SET goldRationale = 'So the answer is ' || goldAnswer || '.' "
                           + "WHERE split = 'train' AND id <= 3")
        }
        var manifest = fixture.session.manifest
        manifest.lora.rank = 2
        manifest.mift = TrainingSpec(learningRate: 0.02, epochs: 3, maxSteps: nil, batchSize: 2, checkpointEvery: 2)
        return (fixture, Session(location: fixture.session.location, manifest: manifest, store: fixture.session.store))
    }

    static let probe = ("Q: Tom has 3 apples and buys 2 more. How many apples?\nA:\n", "5")

    static func logprobs(_ model: LlamaModel, tokenizer: Tokenizer, adapter: String? = nil) throws -> [Float] {
        let ids = try model.completionTokenIDs(prompt: probe.0, completion: probe.1, tokenizer: tokenizer)
        return model.sequenceLogProbs([ids.prompt + ids.completion], adapter: adapter)[0]
    }

    @Test func writesALoadableMIFTEqualToTheBasePlusItsMergedLoRA() throws {
        let (fixture, session) = try Self.fixture()
        defer { fixture.remove() }
        #expect(session.miftDirectory == session.location.resolve("model"))
        let result = try MIFTStage.run(session: session)
        // 4 examples in batches of 2 for 3 epochs.
        #expect(result == .trained(.finished(runID: 1, steps: 6), mift: session.location.mift))
        #expect(session.miftDirectory == session.location.mift)

        let baseDirectory = try ModelDirectory(url: session.location.resolve("model"))
        var base = try LlamaModel(directory: baseDirectory)
        let mift = try LlamaModel(directory: ModelDirectory(url: session.location.mift))
        // The adapter as trained: the run's last checkpoint.
        let run = try #require(try session.store.latestRun(kind: MIFTLoRATrainer.runKind, iteration: 0, provider: 0))
        let record = try #require(try session.store.latestCheckpoint(runID: run.id ?? 0))
        let checkpoint = try CheckpointFile.read(session.location.folder.appendingPathComponent(record.path))
        var adapter = LoRAAdapter(for: base, configuration: session.manifest.lora.configuration, seed: 0)
        for parameter in adapter.parameters { parameter.value = try #require(checkpoint.parameters[parameter.name ?? ""]) }
        adapter.configuration = session.manifest.lora.configuration
        base.adapters["mift"] = adapter

        let plain = try Self.logprobs(base, tokenizer: baseDirectory.tokenizer)
        let withLoRA = try Self.logprobs(base, tokenizer: baseDirectory.tokenizer, adapter: "mift")
        let merged = try Self.logprobs(mift, tokenizer: baseDirectory.tokenizer)
        let moved = zip(plain, merged).map { abs($0 - $1) }.max() ?? 0
        let mergeError = zip(withLoRA, merged).map { abs($0 - $1) }.max() ?? 1
        #expect(moved > 1e-3, "MIFT moved the answer's log-probs by \(moved)")
        #expect(mergeError < 1e-4, "merged vs base + LoRA: \(mergeError)")
        #expect(try MIFTStage.run(session: session) == .alreadyWritten(session.location.mift))
    }

    @Test func aStoppedRunResumesToTheSameWeightsAsAnUninterruptedOne() throws {
        let (straight, straightSession) = try Self.fixture()
        defer { straight.remove() }
        _ = try MIFTStage.run(session: straightSession)
        let (resumed, resumedSession) = try Self.fixture()
        defer { resumed.remove() }
        let first = try MIFTStage.run(session: resumedSession, onEvent: { event in
            if case .step(let metric) = event, metric.step == 3 { return .stop }
            return .proceed
        })
        #expect(first == .trained(.stopped(runID: 1, step: 3), mift: nil) && !resumedSession.miftWritten)
        var resumedFrom: Int?
        _ = try MIFTStage.run(session: resumedSession, onEvent: { event in
            if case .started(_, let from, _) = event { resumedFrom = from }
            return .proceed
        })
        // Step 3 was checkpointed on stop; the resumed run restores it and the data position.
        #expect(resumedFrom == 3)
        let weights = { (session: Session) in
            try Data(contentsOf: session.location.mift.appendingPathComponent("model.safetensors"))
        }
        #expect(try weights(straightSession) == weights(resumedSession))
    }

    @Test func eachExampleGetsOneModeAndThoseWithoutARationaleAnswerDirectly() {
        let modes = (Int64(1)...300).map { MIFTMixture.mode(promptID: $0, hasRationale: true, seed: 5) }
        let counts = Dictionary(grouping: modes, by: { $0 }).mapValues(\.count)
        #expect(counts.count == 3 && counts.values.allSatisfy { $0 > 70 })
        #expect(modes == (Int64(1)...300).map { MIFTMixture.mode(promptID: $0, hasRationale: true, seed: 5) })
        #expect(modes != (Int64(1)...300).map { MIFTMixture.mode(promptID: $0, hasRationale: true, seed: 6) })
        #expect((Int64(1)...50).allSatisfy { MIFTMixture.mode(promptID: $0, hasRationale: false, seed: 5) == .answer })
        let templates = PromptTemplates()
        let texts = MIFTMixture.texts(instruction: "I", rationale: "R", answer: "A", mode: .answerWithRationale,
                                      templates: templates)
        #expect(texts.prompt == templates.render(.answerWithRationale, instruction: "I", rationale: "R") && texts.completion == "A")
    }

    @Test func skipMeansTheModelIsMIFT() throws {
        let (fixture, session) = try Self.fixture()
        defer { fixture.remove() }
        var manifest = session.manifest
        manifest.miftSkipped = true
        let skipping = Session(location: session.location, manifest: manifest, store: session.store)
        #expect(try MIFTStage.run(session: skipping) == .skipped)
        #expect(skipping.miftDirectory == session.location.resolve("model"))
        let parsed = try SessionManifest.parse("[data]\ntrain = \"t.jsonl\"\n[mift]\nskip = true\n[providers]\nmax_examples = 7\n")
        #expect(parsed.miftSkipped && parsed.providerStageLimit == 7)
        #expect(throws: ManifestError.self) { try SessionManifest.parse("[data]\ntrain = \"t.jsonl\"\n[mift]\nskip = 1\n") }
    }
}
