import Foundation
import LLM
import Testing
@testable import Collate
import TestSupport

/// `collate import-adapter`: a PEFT directory becomes a provider's adapter after its config,
/// base and shapes are checked; nothing is written when a check fails.
@Suite struct AdapterImportTests {
    func adapterDirectory(_ fixture: StageFixture, in directory: TemporaryDirectory, seed: UInt64 = 9,
                          edit: (inout JSONObject) -> Void = { _ in }) throws -> URL {
        let model = try LlamaModel(directory: try ModelDirectory(url: fixture.session.miftDirectory))
        let url = directory.url.appendingPathComponent("trained", isDirectory: true)
        try StageFixture.trainedAdapter(for: model, seed: seed).save(to: url, baseModel: "HuggingFaceTB/SmolLM2-135M")
        let configURL = url.appendingPathComponent("adapter_config.json")
        var config = try #require(try JSONParser.parse(Data(contentsOf: configURL)).objectValue)
        edit(&config)
        try Data(JSONWriter.string(.object(config)).utf8).write(to: configURL)
        return url
    }

    @Test func importedAdapterIsTheProvidersAdapter() throws {
        let fixture = try StageFixture(providers: 2, train: 1, validation: 0, test: 0)
        defer { fixture.remove() }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let source = try adapterDirectory(fixture, in: directory)
        let result = try AdapterImport.run(session: fixture.session, provider: 2, iteration: 1, from: source)
        #expect(result.directory == ProviderAdapters.directory(fixture.session.location, iteration: 1, provider: 2))
        #expect(result.rank == 2 && result.targets == ["q_proj", "v_proj", "up_proj"])
        #expect(result.notes.first?.hasPrefix("base_model_name_or_path \"HuggingFaceTB/SmolLM2-135M\" is not a local model directory") == true)
        let model = try LlamaModel(directory: try ModelDirectory(url: fixture.session.miftDirectory))
        #expect(try LoRAAdapter(contentsOf: result.directory, for: model).parameters.map(\.value.scalars)
                == LoRAAdapter(contentsOf: source, for: model).parameters.map(\.value.scalars))
        // Once in place it is not overwritten by accident.
        #expect(throws: AdapterImport.Error.exists(path: result.directory.path)) {
            try AdapterImport.run(session: fixture.session, provider: 2, iteration: 1, from: source)
        }
        _ = try AdapterImport.run(session: fixture.session, provider: 2, iteration: 1, from: source, replace: true)
    }

    @Test func configProblemsNameTheFileAndField() throws {
        let fixture = try StageFixture(providers: 2, train: 1, validation: 0, test: 0)
        defer { fixture.remove() }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let cases: [(String, (inout JSONObject) -> Void)] = [
            ("task_type", { $0["task_type"] = .string("SEQ_CLS") }),
            ("lora_bias", { $0["lora_bias"] = .bool(true) }),
            ("target_parameters", { $0["target_parameters"] = .array([.string("experts")]) }),
        ]
        for (field, edit) in cases {
            let source = try adapterDirectory(fixture, in: directory, edit: edit)
            do {
                _ = try AdapterImport.run(session: fixture.session, provider: 1, iteration: 1, from: source)
                Issue.record("\(field): imported")
            } catch let error as AdapterImport.Error {
                guard case .invalid(let file, let named, _) = error else { Issue.record("\(error)"); continue }
                #expect(file.hasSuffix("trained/adapter_config.json") && named == field)
            }
        }
        #expect(!FileManager.default.fileExists(atPath: ProviderAdapters.directory(fixture.session.location, iteration: 1, provider: 1).path))
    }

    @Test func aBaseOfAnotherShapeOrFactorsOfAnotherShapeAreRefused() throws {
        let fixture = try StageFixture(providers: 2, train: 1, validation: 0, test: 0)
        defer { fixture.remove() }
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        // A local base whose config says hidden_size 64.
        let otherBase = directory.url.appendingPathComponent("other-base", isDirectory: true)
        try FileManager.default.createDirectory(at: otherBase, withIntermediateDirectories: true)
        let ours = fixture.session.miftDirectory.appendingPathComponent("config.json")
        let text = try String(contentsOf: ours, encoding: .utf8).replacingOccurrences(of: "\"hidden_size\": 32", with: "\"hidden_size\": 64")
        #expect(text.contains("\"hidden_size\": 64"))
        try Data(text.utf8).write(to: otherBase.appendingPathComponent("config.json"))
        let wrongBase = try adapterDirectory(fixture, in: directory) { $0["base_model_name_or_path"] = .string(otherBase.path) }
        #expect(throws: AdapterImport.Error.invalid(file: wrongBase.appendingPathComponent("adapter_config.json").path,
                                                    field: "base_model_name_or_path",
                                                    reason: "\(otherBase.path) has hidden_size 64, the session's base "
                                                        + "\(fixture.session.miftDirectory.path) has 32")) {
            try AdapterImport.run(session: fixture.session, provider: 1, iteration: 1, from: wrongBase)
        }
        // A rank that the factors do not have: the loader names the tensor and its shape.
        let wrongRank = try adapterDirectory(fixture, in: directory) { $0["r"] = .int(3) }
        #expect(throws: PEFTAdapterError.self) {
            try AdapterImport.run(session: fixture.session, provider: 1, iteration: 1, from: wrongRank)
        }
        #expect(throws: AdapterImport.Error.providerOutOfRange(provider: 3, count: 2)) {
            try AdapterImport.run(session: fixture.session, provider: 3, iteration: 1, from: wrongRank)
        }
    }
}
