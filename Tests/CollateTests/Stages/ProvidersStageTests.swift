import Foundation
import LLM
import Testing
@testable import Collate

@Suite struct ProvidersStageTests {
    static let gold = "Reasoning: 3 + 2 = 5 so he has 5 apples."

    /// The stage fixture with a gold rationale on every training prompt and DPO settings that
    /// move a tiny model in a few steps.
    static func fixture(train: Int = 6, edit: (inout SessionManifest) -> Void = { _ in }) throws -> (StageFixture, Session) {
        let fixture = try StageFixture(providers: 2, withAdapters: false, train: train, maxNewTokens: 6)
        try fixture.session.store.write { db in
            try db.execute(sql: "UPDATE prompt SET goldRationale = ? WHERE split = 'train'", arguments: [Self.gold])
        }
        var manifest = fixture.session.manifest
        manifest.lora.rank = 2
        manifest.dpo.training = TrainingSpec(learningRate: 0.02, epochs: 4, maxSteps: nil, batchSize: 2, checkpointEvery: 2)
        edit(&manifest)
        return (fixture, Session(location: fixture.session.location, manifest: manifest, store: fixture.session.store))
    }

    @Test func eachProviderIsTunedOnItsOwnSubsetAwayFromMIFTsRationales() throws {
        let (fixture, session) = try Self.fixture()
        defer { fixture.remove() }
        let report = try ProvidersStage.run(session: session)
        let partition = try ProviderPartition.assign(promptIDs: [1, 2, 3, 4, 5, 6], providerCount: 2, seed: 0)
        #expect(report.complete && report.subsets == partition)
        #expect(report.providers.map(\.examples) == [3, 3] && report.providers.map(\.pairs) == [3, 3])
        #expect(report.providers.map(\.generated) == [3, 3] && report.providers.map(\.identical) == [0, 0])
        // 3 pairs in batches of 2 for 4 epochs: 8 steps each.
        #expect(report.providers.map { provider -> Int? in
            if case .finished(_, let steps)? = provider.outcome { return steps }
            return nil
        } == [8, 8])
        // M_IFT's rationales are iteration-0 generations; each pair an iteration-0 auto label.
        #expect(try session.store.generations(iteration: 0).count == 6)
        let label = try #require(try session.store.effectiveLabel(promptID: 1, iteration: 0))
        #expect(label.chosenRationale == Self.gold && label.action == .chosen && label.chosenProvider == nil)

        let models = try ProviderModels.load(session: session, iteration: 1)
        let b = { (provider: Int) in
            (models.model.adapters["provider-\(provider)"]?.parameters ?? []).filter { $0.name?.contains("lora_B") == true }
                .flatMap(\.value.scalars)
        }
        #expect(b(1).contains { $0 != 0 } && b(2).contains { $0 != 0 } && b(1) != b(2))
        for provider in 1...2 {
            // The stored reference is M_IFT (adapter off); the tuned provider prefers gold by more.
            let pairs = try SessionWorkspace(session).trainingPairs(iteration: 0, provider: provider)
            let references = try session.store.referenceLogprobs(iteration: 0, provider: provider)
            let mift = try LlamaPreferencePolicy(model: Self.withFreshAdapter(models.model, session: session),
                                                 tokenizer: models.tokenizer, adapterName: "fresh").referenceLogProbs(pairs)
            let tuned = try LlamaPreferencePolicy(model: models.model, tokenizer: models.tokenizer,
                                                  adapterName: "provider-\(provider)").referenceLogProbs(pairs)
            var before = 0.0, after = 0.0
            for (index, pair) in pairs.enumerated() {
                let reference = try #require(references[pair.id])
                #expect(abs(reference.chosenLogp - Double(mift.chosen.value.scalars[index])) < 1e-3)
                before += reference.chosenLogp - reference.rejectedLogp
                after += Double(tuned.chosen.value.scalars[index] - tuned.rejected.value.scalars[index])
            }
            #expect(after > before + 0.1, "provider \(provider): margin \(before) -> \(after)")
        }
        // A rerun finds every adapter on disk and does nothing.
        let again = try ProvidersStage.run(session: session)
        #expect(again.providers.allSatisfy { $0.alreadyDone })
        #expect(try session.store.generations(iteration: 0).count == 6)
    }

    static func withFreshAdapter(_ model: LlamaModel, session: Session) -> LlamaModel {
        var copy = model
        copy.adapters["fresh"] = LoRAAdapter(for: model, configuration: session.manifest.lora.configuration, seed: 1)
        return copy
    }

    @Test func aRationaleEqualToGoldFormsNoPairAndTheCapLimitsEachSubset() throws {
        let (fixture, session) = try Self.fixture { $0.providerStageLimit = 2 }
        defer { fixture.remove() }
        let subsets = try ProvidersStage.subsets(session: session)
        #expect(subsets.mapValues(\.count) == [1: 2, 2: 2])
        let first = try #require(subsets[1]?.first)
        _ = try session.store.saveGeneration(GenerationRecord(promptId: first, iteration: 0, provider: 1,
                                                              text: Self.gold + "\n", tokenCount: 9))
        let report = try ProvidersStage.run(session: session, maxSteps: 1)
        #expect(report.providers.map(\.examples) == [2, 2] && report.providers.map(\.identical) == [1, 0])
        #expect(report.providers.map(\.pairs) == [1, 2] && report.providers[0].generated == 1)
        #expect(try session.store.effectiveLabel(promptID: first, iteration: 0)?.action == .filtered)
    }

    @Test func withoutProviderDistinctionEveryProviderGetsTheSameData() throws {
        let (fixture, session) = try Self.fixture { $0.ablations.noProviderDistinction = true }
        defer { fixture.remove() }
        let subsets = try ProvidersStage.subsets(session: session)
        #expect(subsets[1] == [1, 2, 3, 4, 5, 6] && subsets[2] == subsets[1])
        let report = try ProvidersStage.run(session: session, maxSteps: 1)
        // M_IFT's rationales are written once (as provider 1's) and both providers train on them.
        #expect(report.providers.map(\.generated) == [6, 0] && report.providers.map(\.pairs) == [6, 6])
        #expect(try Set(session.store.generations(iteration: 0).map(\.provider)) == [1])
    }

    /// Training prompts without a gold rationale are in no provider's stage-2 subset; the
    /// iteration-0 pairs each provider is exported with (and trained on) are still its subset's,
    /// also when the loop's rounds give every provider every pair ([loop] provider_pairs = "all").
    @Test(arguments: ProviderPairs.allCases)
    func iterationZeroPairsFollowTheSubsetsOfTheRationaleBearingPrompts(pairs: ProviderPairs) throws {
        let (fixture, session) = try Self.fixture(train: 8) { $0.providerPairs = pairs }
        defer { fixture.remove() }
        try session.store.write { db in
            try db.execute(sql: "UPDATE prompt SET goldRationale = NULL WHERE id IN (2, 5)")
        }
        let subsets = try ProvidersStage.subsets(session: session)
        #expect(subsets.values.flatMap { $0 }.sorted() == [1, 3, 4, 6, 7, 8])
        #expect(Set(subsets[1] ?? []).isDisjoint(with: subsets[2] ?? []))
        _ = try ProvidersStage.run(session: session, maxSteps: 1)
        let rows = try PreferenceExport.rows(session: session, iteration: 0)
        for provider in 1...2 {
            #expect(rows[provider]?.map(\.promptID) == subsets[provider], "provider \(provider)")
            #expect(try SessionPreferencePairs.pairs(session: session, iteration: 0, provider: provider).map(\.promptID)
                == subsets[provider])
        }
    }
}

extension ProvidersStageTests {
    /// Run before the task data is imported, the stage once saved untrained adapters, and after
    /// the import it kept them ("already on disk"): providers that were M_IFT, silently. It
    /// refuses instead, and writes nothing.
    @Test func beforeTheImportTheStageRefusesAndWritesNoAdapter() throws {
        let fixture = try StageFixture(providers: 2, withAdapters: false, train: 0, validation: 0, test: 0)
        defer { fixture.directory.remove() }
        #expect(throws: StageError.noTrainingPrompts(session: "stages")) {
            try ProvidersStage.run(session: fixture.session, maxSteps: 1)
        }
        let adapters = ProviderAdapters.directory(fixture.session.location, iteration: 0, provider: 1)
        #expect(!FileManager.default.fileExists(atPath: adapters.path))
    }
}
