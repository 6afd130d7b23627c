import Foundation
import LLM
import TensorCore
import Testing
@testable import Collate
import TestSupport

/// The one no-pairs policy of a round: a provider with no pairs keeps its adapter, saved again
/// as this iteration's (the loop, `collate train` and the workbench's `t` all call it).
@Suite struct NoPairsPolicyTests {
    @Test func aProviderWithoutPairsKeepsItsAdapterAsThisIterationsAndAFreshOneOtherwise() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let session = try TinyLlama.session(in: directory)
        let model = try LlamaModel(directory: try ModelDirectory(url: session.miftDirectory))
        let previous = LoRAAdapter(for: model, configuration: session.manifest.lora.configuration, seed: 42)
        var trained = previous
        // B = 0 in a fresh adapter: give it values a copy must keep.
        for layer in trained.layers.indices {
            for target in trained.layers[layer].keys {
                let b = trained.layers[layer][target]!.b.value
                trained.layers[layer][target]!.b = Variable(Tensor((0..<b.count).map { Float($0) * 0.01 + 0.5 }, shape: b.shape))
            }
        }
        let start = ProviderAdapters.directory(session.location, iteration: 0, provider: 2)
        try ProviderAdapters.save(trained, to: start, baseModel: session.miftDirectory.path)
        #expect(!ProviderAdapters.exists(session.location, iteration: 1, provider: 2))

        let kept = try TrainStage.keepAdapterUnchanged(session: session, options: TrainStage.Options(iteration: 1, provider: 2))
        #expect(kept == ProviderAdapters.directory(session.location, iteration: 1, provider: 2))
        #expect(ProviderAdapters.exists(session.location, iteration: 1, provider: 2))
        let original = try LoRAAdapter(contentsOf: start, for: model)
        let copy = try LoRAAdapter(contentsOf: kept, for: model)
        #expect(copy.configuration == original.configuration)
        for layer in original.layers.indices {
            for (target, pair) in original.layers[layer] {
                #expect(copy.layers[layer][target]?.a.value.scalars == pair.a.value.scalars)
                #expect(copy.layers[layer][target]?.b.value.scalars == pair.b.value.scalars)
            }
        }

        // Provider 1 has no adapter of iteration 0: an error unless a fresh one is asked for.
        #expect(throws: TrainingError.self) {
            try TrainStage.keepAdapterUnchanged(session: session, options: TrainStage.Options(iteration: 1, provider: 1))
        }
        try TrainStage.keepAdapterUnchanged(session: session, options: TrainStage.Options(
            iteration: 1, provider: 1, freshAdapterWhenMissing: true))
        let fresh = try LoRAAdapter(contentsOf: ProviderAdapters.directory(session.location, iteration: 1, provider: 1), for: model)
        #expect(fresh.layers.allSatisfy { $0.values.allSatisfy { $0.b.value.scalars.allSatisfy { $0 == 0 } } })
    }
}
