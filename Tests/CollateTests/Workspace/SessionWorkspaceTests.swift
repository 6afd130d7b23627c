import Foundation
import LLM
import Testing
@testable import Collate
import TestSupport

/// The workspace owns a round's models, adapters, pairs and provider training.
@Suite struct SessionWorkspaceTests {
    /// The tiny session with each provider on its own partition (two prompts each), both
    /// providers' iteration-0 adapters saved, and provider 2's prompts dropped by hand: in
    /// iteration 1 provider 1 has pairs and provider 2 none.
    static func partitionedSession(in directory: TemporaryDirectory) throws -> (SessionWorkspace, withoutPairs: [Int64]) {
        let tiny = try TinyLlama.session(in: directory)
        let text = try String(contentsOf: tiny.location.manifest, encoding: .utf8)
            .replacingOccurrences(of: "no_provider_distinction = true", with: "no_provider_distinction = false")
        try Data(text.utf8).write(to: tiny.location.manifest)
        let workspace = try SessionWorkspace(try Session.open(tiny.location))
        let base = try workspace.base()
        for provider in 1...2 {
            let fresh = LoRAAdapter(for: base.model, configuration: workspace.manifest.lora.configuration, seed: UInt64(provider))
            try workspace.saveAdapter(fresh, as: AdapterID(iteration: 0, provider: provider), base: base)
        }
        let partition = try ProviderPartition.assign(promptIDs: [1, 2, 3, 4], providerCount: 2,
                                                     seed: workspace.manifest.seeds.pairs)
        let dropped = partition[2] ?? []
        for prompt in dropped {
            _ = try workspace.store.writeHumanLabel(promptID: prompt, iteration: 1, request: .drop, note: nil,
                                                    providerCount: 2)
        }
        return (workspace, dropped)
    }

    /// The failure: after `collate train` (or the workbench's `t`) trained a round in
    /// which one provider had no pairs, the next round's generate must find every provider's
    /// adapter. The no-pairs provider keeps its previous adapter, byte for byte in its factors.
    @Test func aRoundTrainedOutsideTheLoopLeavesEveryAdapterForTheNextRound() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (workspace, dropped) = try Self.partitionedSession(in: directory)
        #expect(!dropped.isEmpty)
        #expect(try workspace.trainingPairs(iteration: 1, provider: 2).isEmpty)
        #expect(try !workspace.trainingPairs(iteration: 1, provider: 1).isEmpty)

        let report = try workspace.trainProviders(.init(iteration: 1, providers: [1, 2]))
        #expect(report.trained == [1] && report.withoutPairs == [2] && report.roundComplete)
        #expect(report.kept == [2: workspace.adapterDirectory(AdapterID(iteration: 1, provider: 2))])

        let next = try workspace.providerModels(iteration: 2)
        #expect(next.adapterNames == [1: "provider-1", 2: "provider-2"])
        let base = try workspace.base()
        let previous = try workspace.loadAdapter(AdapterID(iteration: 0, provider: 2), for: base.model)
        let kept = try workspace.loadAdapter(AdapterID(iteration: 1, provider: 2), for: base.model)
        #expect(kept.parameters.map(\.value.scalars) == previous.parameters.map(\.value.scalars))
    }

    /// A round in which nobody could train is left untrained outside the loop (it is still the
    /// round to label), and completed by the loop, which must go on.
    @Test func aRoundWithoutAnyPairsIsCompletedOnlyByTheLoop() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (workspace, _) = try Self.partitionedSession(in: directory)
        let alone = try workspace.trainProviders(.init(iteration: 1, providers: [2]))
        #expect(alone.withoutPairs == [2] && alone.kept.isEmpty)
        #expect(try !workspace.hasAdapter(AdapterID(iteration: 1, provider: 2)))

        let loop = try workspace.trainProviders(.init(iteration: 1, providers: [2], completesRoundWithoutPairs: true))
        #expect(loop.kept.keys.sorted() == [2])
        #expect(try workspace.hasAdapter(AdapterID(iteration: 1, provider: 2)))
    }

    /// One copy of the base weights per process: every model the stages get shares its tensors.
    @Test func theBaseIsLoadedOnceAndSharedByEveryStagesModel() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (workspace, _) = try Self.partitionedSession(in: directory)
        let base = try workspace.base()
        #expect(try workspace.base().model.embedding === base.model.embedding)
        let models = try workspace.providerModels(iteration: 1)
        #expect(models.model.embedding === base.model.embedding)
        #expect(models.model.adapters.keys.sorted() == ["provider-1", "provider-2"])
        #expect(base.model.adapters.isEmpty)
        _ = try workspace.trainProviders(.init(iteration: 1, providers: [1]))
        #expect(try workspace.base().model.embedding === base.model.embedding)
    }

    /// Which adapters exist is the store's answer: a saved adapter is recorded with its
    /// directory; opening a session from before the adapter table records the directories it
    /// finds, and forgets a row whose directory was removed by hand.
    @Test func adaptersAreStoreRowsCheckedAgainstTheDirectoriesOnOpen() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let (workspace, _) = try Self.partitionedSession(in: directory)
        #expect(try workspace.store.adapters().map { [$0.iteration, $0.provider] } == [[0, 1], [0, 2]])
        #expect(try workspace.store.adapters().first?.path == "adapters/iteration-0/provider-1")
        #expect(try workspace.latestAdapterIteration() == 0)

        // An old store: rows gone, directories there.
        try workspace.store.forgetAdapters([(0, 1), (0, 2)])
        #expect(try !workspace.hasAdapter(AdapterID(iteration: 0, provider: 1)))
        let reopened = try SessionWorkspace(workspace.session)
        #expect(try reopened.hasAdapter(AdapterID(iteration: 0, provider: 1)))
        #expect(try reopened.store.adapters().count == 2)

        // A directory removed by hand: its row is forgotten on the next open.
        try FileManager.default.removeItem(at: reopened.adapterDirectory(AdapterID(iteration: 0, provider: 2)))
        #expect(try reopened.hasAdapter(AdapterID(iteration: 0, provider: 2)))
        let checked = try SessionWorkspace(workspace.session)
        #expect(try !checked.hasAdapter(AdapterID(iteration: 0, provider: 2)))
        #expect(try checked.store.adapters().map(\.provider) == [1])
    }
}
