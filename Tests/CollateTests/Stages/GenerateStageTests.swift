import Foundation
import LLM
import Testing
@testable import Collate

@Suite struct GenerateStageTests {
    @Test func everyProviderWritesOneRationalePerPromptAndARerunAddsNone() throws {
        let fixture = try StageFixture(providers: 2, train: 3)
        defer { fixture.remove() }
        let models = try ProviderModels.load(session: fixture.session, iteration: 1)
        #expect(models.adapterNames == [1: "provider-1", 2: "provider-2"])
        var streamed: [String: String] = [:]
        let report = try GenerateStage.run(session: fixture.session, models: models,
                                           options: GenerateStage.Options(iteration: 1),
                                           onToken: { promptID, provider, piece in
            streamed["\(promptID)/\(provider)", default: ""] += piece
        })
        #expect(report.prompts == 3 && report.generated == 6 && report.skipped == 0)
        let rows = try fixture.session.store.generations(iteration: 1)
        #expect(rows.count == 6)
        #expect(rows.map(\.provider) == [1, 2, 1, 2, 1, 2])

        // Each row is what the provider writes when asked directly: greedy, EOS or 5 tokens.
        let tokenizer = models.tokenizer
        for row in rows {
            let prompt = try #require(try fixture.session.store.prompt(id: row.promptId))
            let text = fixture.session.manifest.templates.render(.rationale, instruction: prompt.instruction)
            let direct = models.model.generate(prompt: tokenizer.encode(text), options: GenerationOptions(maxTokens: 5),
                                               adapter: "provider-\(row.provider)")
            #expect(row.tokenCount == direct.tokens.count && row.tokenCount <= 5)
            #expect(row.text == tokenizer.decode(direct.tokens, skipSpecialTokens: true))
            #expect(streamed["\(row.promptId)/\(row.provider)"] == row.text)
        }
        // The adapters make the providers differ from each other.
        #expect(Set(rows.map(\.text)).count > 3)

        let before = try fixture.generationRows()
        let again = try GenerateStage.run(session: fixture.session, models: models, options: GenerateStage.Options(iteration: 1))
        #expect(again.generated == 0 && again.skipped == 3 && again.tokens == 0)
        #expect(try fixture.generationRows() == before)
    }

    @Test func aLimitedRunThenAFullRunEqualsOneFullRun() throws {
        let resumed = try StageFixture(providers: 2, train: 4)
        let straight = try StageFixture(providers: 2, train: 4)
        defer { resumed.remove(); straight.remove() }
        let first = try GenerateStage.run(session: resumed.session, models: try ProviderModels.load(session: resumed.session, iteration: 1),
                                          options: GenerateStage.Options(iteration: 1, limit: 2))
        #expect(first.generated == 4)
        #expect(try resumed.session.store.generations(iteration: 1).count == 4)
        let second = try GenerateStage.run(session: resumed.session, models: try ProviderModels.load(session: resumed.session, iteration: 1),
                                           options: GenerateStage.Options(iteration: 1))
        #expect(second.generated == 4 && second.skipped == 2)
        _ = try GenerateStage.run(session: straight.session, models: try ProviderModels.load(session: straight.session, iteration: 1),
                                  options: GenerateStage.Options(iteration: 1))
        let rows = try resumed.generationRows()
        #expect(rows.count == 8 && Set(rows).count == 8)
        #expect(rows == (try straight.generationRows()))
    }

    @Test func aHalfWrittenPromptGetsOnlyItsMissingProvider() throws {
        let fixture = try StageFixture(providers: 2, train: 1)
        defer { fixture.remove() }
        _ = try fixture.session.store.saveGeneration(GenerationRecord(promptId: 1, iteration: 1, provider: 2, text: "kept", tokenCount: 1))
        let report = try GenerateStage.run(session: fixture.session, models: try ProviderModels.load(session: fixture.session, iteration: 1),
                                           options: GenerateStage.Options(iteration: 1))
        #expect(report.generated == 1)
        let rows = try fixture.session.store.generations(iteration: 1)
        #expect(rows.map(\.provider) == [1, 2] && rows[1].text == "kept")
    }

    @Test func providersAreMIFTBeforeTheProvidersStageAndMissingAdaptersAreNamed() throws {
        let fixture = try StageFixture(providers: 2, withAdapters: false, train: 1)
        defer { fixture.remove() }
        let models = try ProviderModels.load(session: fixture.session, iteration: 1)
        #expect(models.adapterNames.isEmpty && models.model.adapters.isEmpty)
        #expect(models.miftDirectory.lastPathComponent == "model")
        let missing = ProviderModels.adapterDirectory(fixture.session.location, iteration: 1, provider: 1)
        #expect(throws: StageError.adapter(path: missing.path, provider: 1,
                                           reason: "no adapter_config.json (iteration 2 needs the adapters of iteration 1)")) {
            try ProviderModels.load(session: fixture.session, iteration: 2)
        }
        #expect(ProviderModels.nextIteration(fixture.session) == 1)
        #expect(throws: StageError.self) { try ProviderModels.load(session: fixture.session, iteration: 0) }
    }

    @Test func aMissingModelDirectoryIsNamed() throws {
        let fixture = try StageFixture(providers: 1, withAdapters: false, train: 1)
        defer { fixture.remove() }
        let modelDirectory = fixture.session.location.resolve(fixture.session.manifest.model)
        try FileManager.default.removeItem(at: modelDirectory)
        #expect(throws: StageError.model(path: modelDirectory.path,
                                         reason: "no such directory (write M_IFT to mift/ or set model in session.toml)")) {
            try ProviderModels.load(session: fixture.session, iteration: 1)
        }
    }

    @Test func trainingPromptsAreSampledAndEvaluationPromptsDecodedByEvalStrategy() throws {
        let fixture = try StageFixture(providers: 2, train: 3, validation: 2, test: 3, maxNewTokens: 8) {
            $0.decoding.strategy = .sample
            $0.decoding.temperature = 1.5
            $0.decoding.evalStrategy = .greedy
        }
        defer { fixture.remove() }
        let models = try ProviderModels.load(session: fixture.session, iteration: 1)
        let manifest = fixture.session.manifest
        var sampledDiffersFromGreedy = false
        for split in DataSplit.allCases {
            _ = try GenerateStage.run(session: fixture.session, models: models,
                                      options: GenerateStage.Options(iteration: 1, split: split))
            for prompt in try fixture.session.store.prompts(split: split) {
                let id = try #require(prompt.id)
                let ids = models.tokenizer.encode(manifest.templates.render(.rationale, instruction: prompt.instruction))
                for row in try fixture.session.store.generations(promptID: id, iteration: 1) {
                    let seed = GenerateStage.samplingSeed(manifest.seeds.sampling, promptID: id, iteration: 1,
                                                          provider: row.provider)
                    func decoded(_ strategy: LLM.DecodingStrategy) -> String {
                        let result = models.model.generate(prompt: ids, options: GenerationOptions(maxTokens: 8, strategy: strategy),
                                                           adapter: "provider-\(row.provider)")
                        return models.tokenizer.decode(result.tokens, skipSpecialTokens: true)
                    }
                    let greedy = decoded(.greedy)
                    if split == .train {
                        #expect(row.text == decoded(GenerateStage.strategy(manifest.decoding, seed: seed)))
                        if row.text != greedy { sampledDiffersFromGreedy = true }
                    } else {
                        #expect(row.text == greedy, "\(split) prompt \(id), provider \(row.provider)")
                    }
                }
            }
        }
        // Otherwise the train-split check could not tell sampling from greedy.
        #expect(sampledDiffersFromGreedy)
    }

    @Test func samplingSeedsDependOnPromptIterationAndProvider() {
        let base = GenerateStage.samplingSeed(7, promptID: 1, iteration: 1, provider: 1)
        #expect(base == GenerateStage.samplingSeed(7, promptID: 1, iteration: 1, provider: 1))
        #expect(Set([base, GenerateStage.samplingSeed(7, promptID: 2, iteration: 1, provider: 1),
                     GenerateStage.samplingSeed(7, promptID: 1, iteration: 2, provider: 1),
                     GenerateStage.samplingSeed(7, promptID: 1, iteration: 1, provider: 2),
                     GenerateStage.samplingSeed(8, promptID: 1, iteration: 1, provider: 1)]).count == 5)
    }

    /// N = 3 rationales per provider: each training prompt gets S x N = 6 candidates; 1 and 2
    /// are the providers' greedy rationales, candidate c > 2 is provider (c-1) % 2 + 1's, sampled
    /// with candidate c's seed. Evaluation prompts still get one rationale per provider.
    @Test func furtherRationalesPerProviderAreSampledByTheProviderTheyCycleTo() throws {
        let fixture = try StageFixture(providers: 2, train: 2, validation: 1, test: 1, maxNewTokens: 8) {
            $0.rationalesPerProvider = 3
            $0.decoding.temperature = 1.5
        }
        defer { fixture.remove() }
        let models = try ProviderModels.load(session: fixture.session, iteration: 1)
        #expect(fixture.session.manifest.candidates(for: .train) == 1...6 && models.providers == 1...2)
        let manifest = fixture.session.manifest
        var sampledDiffersFromGreedy = false
        for split in [DataSplit.train, .test] {
            _ = try GenerateStage.run(session: fixture.session, models: models, options: GenerateStage.Options(iteration: 1, split: split))
            for prompt in try fixture.session.store.prompts(split: split) {
                let id = try #require(prompt.id)
                let rows = try fixture.session.store.generations(promptID: id, iteration: 1)
                #expect(rows.map(\.provider) == (split == .train ? Array(1...6) : [1, 2]))
                let ids = models.tokenizer.encode(manifest.templates.render(.rationale, instruction: prompt.instruction))
                for row in rows {
                    let provider = (row.provider - 1) % 2 + 1
                    func decoded(_ strategy: LLM.DecodingStrategy) -> String {
                        let result = models.model.generate(prompt: ids, options: GenerationOptions(maxTokens: 8, strategy: strategy),
                                                           adapter: "provider-\(provider)")
                        return models.tokenizer.decode(result.tokens, skipSpecialTokens: true)
                    }
                    let greedy = decoded(.greedy)
                    if row.provider <= 2 {
                        #expect(row.text == greedy, "\(split) prompt \(id), candidate \(row.provider)")
                    } else {
                        var sampled = manifest.decoding
                        sampled.strategy = .sample
                        let seed = GenerateStage.samplingSeed(manifest.seeds.sampling, promptID: id, iteration: 1,
                                                              provider: row.provider)
                        #expect(row.text == decoded(GenerateStage.strategy(sampled, seed: seed)))
                        if row.text != greedy { sampledDiffersFromGreedy = true }
                    }
                }
            }
        }
        #expect(sampledDiffersFromGreedy)
    }
}
