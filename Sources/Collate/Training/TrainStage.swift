import Foundation
import LLM

/// The `train` stage (COLLATE.md section 3, step 5) for one provider of one iteration: the
/// provider's adapter from the end of the previous iteration (iteration 0: the providers
/// stage) over the base model, DPO on the pairs of its partition, and the trained adapter
/// saved in PEFT layout as `adapters/iteration-<i>/provider-<s>/` (written under a temporary
/// name and renamed). Rerunning resumes an interrupted run, and after a finished one only
/// saves the adapter again.
public enum TrainStage {
    public struct Options: Sendable {
        public var iteration: Int
        public var provider: Int
        /// Overrides the manifest's max_steps.
        public var maxSteps: Int?
        /// Start from a fresh adapter (B = 0, A seeded) when the previous one is missing.
        public var freshAdapterWhenMissing: Bool

        public init(iteration: Int, provider: Int, maxSteps: Int? = nil, freshAdapterWhenMissing: Bool = false) {
            self.iteration = iteration
            self.provider = provider
            self.maxSteps = maxSteps
            self.freshAdapterWhenMissing = freshAdapterWhenMissing
        }
    }

    public enum Result: Sendable, Equatable {
        /// No pairs in the provider's partition: nothing trained, nothing saved.
        case noPairs
        case trained(TrainingOutcome, pairs: Int, adapter: URL?)
    }

    public static func run(session: Session, options: Options,
                           onEvent: (TrainingEvent) -> TrainingControl = { _ in .proceed }) throws -> Result {
        let pairs = try SessionPreferencePairs.pairs(session: session, iteration: options.iteration,
                                                     provider: options.provider)
        guard !pairs.isEmpty else { return .noPairs }
        let directory = try ModelDirectory(url: session.miftDirectory)
        var model = try LlamaModel(directory: directory)
        let name = "provider-\(options.provider)"
        model.adapters[name] = try startAdapter(session: session, model: model, options: options)
        let policy = try LlamaPreferencePolicy(model: model, tokenizer: directory.tokenizer, adapterName: name)
        var configuration = DPOTrainingConfiguration(manifest: session.manifest)
        if let maxSteps = options.maxSteps { configuration.maxSteps = maxSteps }
        let trainer = DPOTrainer(store: session.store, sessionFolder: session.location.folder, policy: policy,
                                 pairs: pairs, iteration: options.iteration, provider: options.provider,
                                 configuration: configuration)
        let outcome = try trainer.run(onEvent: onEvent)
        guard case .finished = outcome, let adapter = model.adapters[name] else {
            return .trained(outcome, pairs: pairs.count, adapter: nil)
        }
        let target = ProviderAdapters.directory(session.location, iteration: options.iteration, provider: options.provider)
        try ProviderAdapters.save(adapter, to: target, baseModel: directory.url.path)
        return .trained(outcome, pairs: pairs.count, adapter: target)
    }

    /// The one no-pairs policy of a round (the loop, `collate train` and the workbench's `t`):
    /// a provider with no pairs to train on keeps its adapter unchanged, saved again as this
    /// iteration's, so the next round's stages find every provider. Returns where it went.
    @discardableResult
    public static func keepAdapterUnchanged(session: Session, options: Options) throws -> URL {
        let directory = try ModelDirectory(url: session.miftDirectory)
        let model = try LlamaModel(directory: directory)
        let previous = try startAdapter(session: session, model: model, options: options)
        let target = ProviderAdapters.directory(session.location, iteration: options.iteration, provider: options.provider)
        try ProviderAdapters.save(previous, to: target, baseModel: directory.url.path)
        return target
    }

    /// The provider's adapter at the start of the iteration (the DPO reference).
    static func startAdapter(session: Session, model: LlamaModel, options: Options) throws -> LoRAAdapter {
        let previous = ProviderAdapters.directory(session.location, iteration: options.iteration - 1,
                                                  provider: options.provider)
        if FileManager.default.fileExists(atPath: previous.appendingPathComponent(LoRAAdapter.configFileName).path) {
            return try LoRAAdapter(contentsOf: previous, for: model)
        }
        guard options.freshAdapterWhenMissing else {
            throw TrainingError.io(path: previous.path, reason: "provider \(options.provider) has no adapter from "
                + "iteration \(options.iteration - 1) (run the providers stage, or train with --fresh-adapter)")
        }
        return LoRAAdapter(for: model, configuration: session.manifest.lora.configuration,
                           seed: session.manifest.seeds.training &+ UInt64(options.provider))
    }
}
