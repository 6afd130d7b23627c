import Foundation
import LLM

/// Training the providers of a round (COLLATE.md section 3, step 5) on the shared base.
extension SessionWorkspace {
    /// What to train in one call.
    public struct RoundTrainingPlan: Sendable, Equatable {
        public var iteration: Int
        /// In order; each trains on the pairs of its partition.
        public var providers: [Int]
        /// Overrides the manifest's max_steps.
        public var maxSteps: Int?
        /// Start from a fresh adapter (B = 0, A seeded) when a provider has none from iteration - 1.
        public var freshAdapterWhenMissing: Bool
        /// A provider whose adapter of this iteration is saved is done (the loop). Otherwise its
        /// run is opened again: it resumes from a checkpoint, or after a finished run only saves.
        public var skipSaved: Bool
        /// Providers of the same round an earlier call found without pairs (a paused job's):
        /// the no-pairs policy covers them too once the round ends.
        public var withoutPairs: [Int]
        /// Whether a round in which no provider had pairs still ends with every adapter kept.
        /// The loop must go on to the next round (its table shows the round changed nothing);
        /// `collate train` and the workbench tell the person to label instead, and leave the
        /// round untrained so that it is still the one to label.
        public var completesRoundWithoutPairs: Bool

        public init(iteration: Int, providers: [Int], maxSteps: Int? = nil, freshAdapterWhenMissing: Bool = false,
                    skipSaved: Bool = false, withoutPairs: [Int] = [], completesRoundWithoutPairs: Bool = false) {
            self.completesRoundWithoutPairs = completesRoundWithoutPairs
            self.iteration = iteration
            self.providers = providers
            self.maxSteps = maxSteps
            self.freshAdapterWhenMissing = freshAdapterWhenMissing
            self.skipSaved = skipSaved
            self.withoutPairs = withoutPairs
        }
    }

    /// What happened to one provider.
    public enum ProviderTraining: Sendable, Equatable {
        /// Its adapter of the iteration was saved before (`skipSaved`).
        case alreadySaved(URL)
        /// No pairs in its partition: it keeps its adapter once the round ends.
        case noPairs
        case trained(TrainingOutcome, pairs: Int, adapter: URL?)
    }

    /// How the call ended.
    public struct RoundTrainingReport: Sendable, Equatable {
        /// Providers not started because `shouldStart` said no (the first of them included).
        public var remaining: [Int] = []
        /// The provider whose run stopped or failed; the round ends there (a rerun resumes it).
        public var unfinished: (provider: Int, outcome: TrainingOutcome)?
        /// Providers with pairs whose run finished in this call.
        public var trained: [Int] = []
        /// Every provider of the round found without pairs (the plan's and this call's).
        public var withoutPairs: [Int] = []
        /// The no-pairs policy's copies, by provider: each kept its previous adapter as this iteration's.
        public var kept: [Int: URL] = [:]

        /// Every provider of the plan was tried and the policy applied.
        public var roundComplete: Bool { remaining.isEmpty && unfinished == nil }

        public static func == (a: Self, b: Self) -> Bool {
            a.remaining == b.remaining && a.unfinished?.provider == b.unfinished?.provider
                && a.unfinished?.outcome == b.unfinished?.outcome && a.trained == b.trained
                && a.withoutPairs == b.withoutPairs && a.kept == b.kept
        }
    }

    /// Trains the plan's providers in turn: the one "train every provider" of the loop, of
    /// `collate train` and of the workbench's `t`. `shouldStart(provider)` is asked before
    /// each (false: the call returns, the rest in `remaining`); `onResult` hears each
    /// provider's result as it comes. A run that stops or fails ends the call there. Once
    /// every provider was tried and one of them trained (`completesRoundWithoutPairs`: or
    /// none could), the one no-pairs policy (`keepAdapterUnchanged`) gives each provider
    /// without pairs its previous adapter as this iteration's, so the next round finds every
    /// provider; a provider with nothing to keep (no previous adapter and no fresh one asked
    /// for) is left out of `kept`.
    public func trainProviders(
        _ plan: RoundTrainingPlan,
        shouldStart: (_ provider: Int) -> Bool = { _ in true },
        onEvent: (_ provider: Int, TrainingEvent) -> TrainingControl = { _, _ in .proceed },
        onResult: (_ provider: Int, ProviderTraining) -> Void = { _, _ in }
    ) throws -> RoundTrainingReport {
        var report = RoundTrainingReport(withoutPairs: plan.withoutPairs)
        for (index, provider) in plan.providers.enumerated() {
            guard shouldStart(provider) else {
                report.remaining = Array(plan.providers[index...])
                return report
            }
            let id = AdapterID(iteration: plan.iteration, provider: provider)
            if try plan.skipSaved && hasAdapter(id) {
                onResult(provider, .alreadySaved(adapterDirectory(id)))
                continue
            }
            let options = TrainStage.Options(iteration: plan.iteration, provider: provider, maxSteps: plan.maxSteps,
                                             freshAdapterWhenMissing: plan.freshAdapterWhenMissing)
            let result = try train(options) { onEvent(provider, $0) }
            switch result {
            case .noPairs:
                report.withoutPairs.append(provider)
                onResult(provider, .noPairs)
            case .trained(let outcome, let pairs, let adapter):
                onResult(provider, .trained(outcome, pairs: pairs, adapter: adapter))
                guard outcome.isFinished else {
                    report.unfinished = (provider, outcome)
                    return report
                }
                report.trained.append(provider)
            }
        }
        // Trained now, or saved by an earlier call (a provider the loop skipped, a resumed job).
        let someoneTrained = try !report.trained.isEmpty || providers.contains { provider in
            try !report.withoutPairs.contains(provider) && hasAdapter(AdapterID(iteration: plan.iteration, provider: provider))
        }
        guard someoneTrained || plan.completesRoundWithoutPairs else { return report }
        for provider in report.withoutPairs {
            let options = TrainStage.Options(iteration: plan.iteration, provider: provider,
                                             freshAdapterWhenMissing: plan.freshAdapterWhenMissing)
            guard try plan.freshAdapterWhenMissing || hasAdapter(AdapterID(iteration: plan.iteration - 1, provider: provider)) else {
                continue
            }
            report.kept[provider] = try keepAdapterUnchanged(options)
        }
        return report
    }

    /// One provider's DPO run of one iteration (`TrainStage`): its adapter of iteration - 1 over
    /// the shared base, DPO on `trainingPairs`, the result saved as this iteration's adapter.
    public func train(_ options: TrainStage.Options,
                      onEvent: (TrainingEvent) -> TrainingControl = { _ in .proceed }) throws -> TrainStage.Result {
        let pairs = try trainingPairs(iteration: options.iteration, provider: options.provider)
        guard !pairs.isEmpty else { return .noPairs }
        let base = try base()
        let id = AdapterID(iteration: options.iteration, provider: options.provider)
        var model = base.model
        model.adapters = [id.name: try startAdapter(options, for: model)]
        let policy = try LlamaPreferencePolicy(model: model, tokenizer: base.tokenizer, adapterName: id.name)
        var configuration = DPOTrainingConfiguration(manifest: manifest)
        if let maxSteps = options.maxSteps { configuration.maxSteps = maxSteps }
        let trainer = DPOTrainer(store: store, sessionFolder: location.folder, policy: policy, pairs: pairs,
                                 iteration: options.iteration, provider: options.provider, configuration: configuration)
        let outcome = try trainer.run(onEvent: onEvent)
        // The adapter's factors are tensor references: `model`'s copy holds the trained values.
        guard case .finished = outcome, let adapter = model.adapters[id.name] else {
            return .trained(outcome, pairs: pairs.count, adapter: nil)
        }
        return .trained(outcome, pairs: pairs.count, adapter: try saveAdapter(adapter, as: id, base: base))
    }

    /// The one no-pairs policy of a round: a provider with no pairs to train on keeps its
    /// adapter unchanged, saved again as this iteration's. Returns where it went.
    @discardableResult
    public func keepAdapterUnchanged(_ options: TrainStage.Options) throws -> URL {
        let base = try base()
        let previous = try startAdapter(options, for: base.model)
        return try saveAdapter(previous, as: AdapterID(iteration: options.iteration, provider: options.provider), base: base)
    }

    /// The provider's adapter at the start of the iteration (the DPO reference): its adapter of
    /// iteration - 1, or a fresh one when that is missing and `freshAdapterWhenMissing`.
    func startAdapter(_ options: TrainStage.Options, for model: LlamaModel) throws -> LoRAAdapter {
        let previous = AdapterID(iteration: options.iteration - 1, provider: options.provider)
        if try hasAdapter(previous) { return try loadAdapter(previous, for: model) }
        guard options.freshAdapterWhenMissing else {
            throw TrainingError.io(path: adapterDirectory(previous).path, reason: "provider \(options.provider) has no "
                + "adapter from iteration \(options.iteration - 1) (run the providers stage, or train with --fresh-adapter)")
        }
        return LoRAAdapter(for: model, configuration: manifest.lora.configuration,
                           seed: manifest.seeds.training &+ UInt64(options.provider))
    }
}
