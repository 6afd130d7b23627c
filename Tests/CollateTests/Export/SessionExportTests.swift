import Foundation
import LLM
import Testing
@testable import Collate
import TestSupport

/// `export --format trl` and `--format peft` on a session with a tiny model: the directory
/// layout, the reference log-probs (against the inference path's scores), the metadata and
/// the adapters read back.
@Suite struct SessionExportTests {
    /// StageFixture's 3 training prompts with two rationales each and auto labels in iteration 1.
    static func labelledFixture() throws -> StageFixture {
        let fixture = try StageFixture(providers: 2, train: 3, validation: 0, test: 0)
        let store = fixture.session.store
        for prompt in Int64(1)...3 {
            for provider in 1...2 {
                _ = try store.saveGeneration(GenerationRecord(promptId: prompt, iteration: 1, provider: provider,
                                                              text: " 3 + \(prompt) = \(3 + prompt) apples.\(provider)", tokenCount: 5))
            }
            try store.writeAutoLabel(promptID: prompt, iteration: 1, decision: PairDecision(
                chosen: ScoredCandidate(provider: 1 + Int(prompt % 2), score: 0.6),
                rejected: ScoredCandidate(provider: 2 - Int(prompt % 2), score: 0.2), baseline: 0.1, kept: prompt != 3))
        }
        try store.writeHumanLabel(promptID: 3, iteration: 1, request: .keepFiltered, note: nil, providerCount: 2)
        return fixture
    }

    @Test func trlExportWritesDataCardMetadataAndReferenceAdapter() throws {
        let fixture = try Self.labelledFixture()
        defer { fixture.remove() }
        let session = fixture.session
        let exported = try TRLExport.write(session: session, iteration: 1)
        #expect(exported.map(\.pairs).reduce(0, +) == 3)
        #expect(exported.allSatisfy { $0.referencesComputed == $0.pairs })

        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let base = session.miftDirectory
        let modelDirectory = try ModelDirectory(url: base)
        for item in exported {
            let names = try FileManager.default.contentsOfDirectory(atPath: item.directory.path).sorted()
            #expect(names == ["README.md", "collate_export.json", "reference_adapter", "train.jsonl"])
            let metadata = try DPOExportMetadata.decoder().decode(
                DPOExportMetadata.self, from: Data(contentsOf: item.directory.appendingPathComponent(DPOExportMetadata.fileName)))
            #expect(metadata.provider == item.provider && metadata.pairs == item.pairs && metadata.iteration == 1)
            #expect(metadata.baseModel == base.standardizedFileURL.path)
            #expect(metadata.labels == .init(trainPrompts: 3, unlabelled: 0, chosen: 2, keptFiltered: 1, filtered: 0, dropped: 0))
            #expect(metadata.optimisation.lossType == "sigmoid" && metadata.optimisation.lrSchedulerType == "cosine")

            // The reference adapter is the provider's iteration-0 adapter, with the base path set.
            let adapterDirectory = item.directory.appendingPathComponent(TRLExport.referenceAdapterName)
            let config = try #require(try JSONParser.parse(Data(contentsOf: adapterDirectory.appendingPathComponent("adapter_config.json"))).objectValue)
            #expect(config["base_model_name_or_path"]?.stringValue == base.standardizedFileURL.path)
            let source = ProviderAdapters.directory(session.location, iteration: 0, provider: item.provider)
            #expect(try Data(contentsOf: adapterDirectory.appendingPathComponent("adapter_model.safetensors"))
                    == Data(contentsOf: source.appendingPathComponent("adapter_model.safetensors")))

            // Each row's reference log-probs equal the inference path's completion scores with that adapter.
            var model = try LlamaModel(directory: modelDirectory)
            model.adapters["p"] = try LoRAAdapter(contentsOf: adapterDirectory, for: model)
            let lines = try String(contentsOf: item.directory.appendingPathComponent("train.jsonl"), encoding: .utf8)
                .split(separator: "\n")
            #expect(lines.count == item.pairs)
            for line in lines {
                let row = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
                let prompt = try #require(row["prompt"] as? String)
                let scores = try model.scoreCompletions([(prompt, try #require(row["chosen"] as? String)),
                                                         (prompt, try #require(row["rejected"] as? String))],
                                                        tokenizer: modelDirectory.tokenizer, adapter: "p")
                let chosen = try #require(row["ref_chosen_logps"] as? Double)
                let rejected = try #require(row["ref_rejected_logps"] as? Double)
                #expect(abs(chosen - scores[0].sum) < 1e-4 && abs(rejected - scores[1].sum) < 1e-4)
            }
        }
        // The stored references are the ones the train stage will use: nothing is computed twice.
        #expect(try TRLExport.write(session: session, iteration: 1).allSatisfy { $0.referencesComputed == 0 })
    }

    @Test func trlExportNeedsTheStartAdapter() throws {
        let fixture = try Self.labelledFixture()
        defer { fixture.remove() }
        try FileManager.default.removeItem(at: fixture.session.location.adapters)
        #expect(throws: TrainingError.self) { try TRLExport.write(session: fixture.session, iteration: 1) }
    }

    @Test func peftExportSetsTheBaseAndKeepsTheWeights() throws {
        let fixture = try StageFixture(providers: 2, train: 1, validation: 0, test: 0)
        defer { fixture.remove() }
        let out = try TemporaryDirectory()
        defer { out.remove() }
        let exported = try PEFTExport.write(session: fixture.session, iteration: 0, into: out.url)
        #expect(exported.map(\.provider) == [1, 2])
        let base = fixture.session.miftDirectory
        let model = try LlamaModel(directory: try ModelDirectory(url: base))
        for item in exported {
            #expect(item.directory.path.hasPrefix(out.url.appendingPathComponent("peft/iteration-0").path))
            #expect(item.rank == 2 && item.targets == ["q_proj", "v_proj", "up_proj"] && item.warnings.isEmpty)
            let config = try #require(try JSONParser.parse(Data(contentsOf: item.directory.appendingPathComponent("adapter_config.json"))).objectValue)
            #expect(config["base_model_name_or_path"]?.stringValue == base.standardizedFileURL.path)
            let original = try LoRAAdapter(contentsOf: ProviderAdapters.directory(fixture.session.location, iteration: 0, provider: item.provider), for: model)
            let copy = try LoRAAdapter(contentsOf: item.directory, for: model)
            #expect(copy.parameters.map(\.value.scalars) == original.parameters.map(\.value.scalars))
        }
        #expect(throws: PEFTExport.Error.self) { try PEFTExport.write(session: fixture.session, iteration: 5, into: out.url) }
    }

    @Test func serveCommandUsesEachProvidersNewestAdapter() throws {
        let fixture = try StageFixture(providers: 2, train: 1, validation: 0, test: 0)
        defer { fixture.remove() }
        let location = fixture.session.location
        let model = try LlamaModel(directory: try ModelDirectory(url: fixture.session.miftDirectory))
        try StageFixture.trainedAdapter(for: model, seed: 5).save(to: ProviderAdapters.directory(location, iteration: 1, provider: 2))
        let command = try VLLMServeCommand(session: fixture.session)
        #expect(command.modules.map(\.path) == [ProviderAdapters.directory(location, iteration: 0, provider: 1).standardizedFileURL.path,
                                                ProviderAdapters.directory(location, iteration: 1, provider: 2).standardizedFileURL.path])
        #expect(command.notes == ["provider-1: no adapter in iteration 1, serving iteration 0's"])
        #expect(try command.arguments().suffix(4) == ["--max-lora-rank", "8", "--max-loras", "2"])
    }
}
