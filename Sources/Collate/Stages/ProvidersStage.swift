import Foundation
import LLM

/// The providers stage (COLLATE.md section 2): S distinct rationale providers from M_IFT.
///
/// The rationale-bearing training prompts are split into S disjoint subsets (`ProviderPartition`,
/// seed [seeds] pairs; one shared set under the no-provider-distinction ablation), each capped
/// at [providers] max_examples (the first by id: the partition is already random). For provider
/// s, on its subset:
/// 1. M_IFT (no adapter) writes its own rationale for each instruction with the manifest's
///    decoding: a generation of iteration 0 (under no_provider_distinction they are written
///    once, as provider 1's, and every provider trains on the same pairs).
/// 2. Each prompt gets an iteration-0 auto label: chosen = the gold rationale, rejected = that
///    generation; filtered (not trained on) when the two are the same text.
/// 3. A fresh LoRA adapter ([lora], A seeded from [seeds] training + s, B = 0: exactly M_IFT) is
///    tuned with DPO ([dpo] beta, loss and optimisation) on the effective labels of its subset,
///    with the reference = M_IFT (the adapter as it starts, B = 0), its log-probs stored once.
/// 4. The adapter is saved in PEFT layout to `adapters/iteration-0/provider-s/` (temporary name,
///    renamed), naming M_IFT's directory as its base.
/// Resumable at every step: a provider whose adapter is on disk is done; generations and labels
/// are only added when missing; the DPO run (kind dpo, iteration 0) continues from its last
/// checkpoint.
public enum ProvidersStage {
    public struct ProviderReport: Sendable, Equatable {
        public var provider: Int
        /// Prompts of its (capped) subset.
        public var examples = 0
        /// Rationales M_IFT wrote for it in this run.
        public var generated = 0
        /// Pairs it trains on (effective labels that train).
        public var pairs = 0
        /// Prompts whose generated rationale equals the gold one (filtered, no pair).
        public var identical = 0
        /// nil when the adapter was on disk already or there was nothing to train on.
        public var outcome: TrainingOutcome?
        /// Where the adapter is, once saved (nil: training stopped or failed before the end).
        public var adapter: URL?
        /// True when the adapter was on disk before this run (nothing was done).
        public var alreadyDone = false
    }

    public struct Report: Sendable, Equatable {
        /// Prompt ids of each provider's (capped) subset.
        public var subsets: [Int: [Int64]]
        public var providers: [ProviderReport]

        /// Every provider has its adapter (no run stopped or failed).
        public var complete: Bool { providers.allSatisfy { $0.adapter != nil } }
    }

    /// Each provider's subset of the rationale-bearing training prompts, capped.
    public static func subsets(session: Session) throws -> [Int: [Int64]] {
        try subsets(of: session.store.prompts(split: .train), manifest: session.manifest)
    }

    /// The same, from the training prompts already read.
    static func subsets(of train: [PromptRecord], manifest: SessionManifest) throws -> [Int: [Int64]] {
        let ids = train.filter { $0.goldRationale != nil }.compactMap(\.id)
        var subsets: [Int: [Int64]]
        do {
            subsets = try ProviderPartition.assign(promptIDs: ids, providerCount: manifest.effectiveProviderCount,
                                                   seed: manifest.seeds.pairs,
                                                   distinct: !manifest.ablations.noProviderDistinction)
        } catch {
            throw StageError.evaluation("cannot partition the training data: \(error)")
        }
        if let limit = manifest.providerStageLimit { subsets = subsets.mapValues { Array($0.prefix(limit)) } }
        return subsets
    }

    /// Trains every provider that has no adapter yet; `onTraining(provider, event)` sees the DPO
    /// events and may answer `.stop` (the run is checkpointed and resumes on the next call).
    public static func run(
        session: Session, maxSteps: Int? = nil,
        onProgress: (StageProgress) -> Void = { _ in },
        onTraining: (Int, TrainingEvent) -> TrainingControl = { _, _ in .proceed }
    ) throws -> Report {
        try run(workspace: try SessionWorkspace(session), maxSteps: maxSteps, onProgress: onProgress, onTraining: onTraining)
    }

    /// The same on the workspace's base model (the loop's: loaded once for every stage).
    public static func run(
        workspace: SessionWorkspace, maxSteps: Int? = nil,
        onProgress: (StageProgress) -> Void = { _ in },
        onTraining: (Int, TrainingEvent) -> TrainingControl = { _, _ in .proceed }
    ) throws -> Report {
        let session = workspace.session
        let manifest = session.manifest
        // Without prompts every provider would be saved untrained, and kept as done after the
        // import: refuse before anything is written.
        let train = try session.store.prompts(split: .train)
        guard !train.isEmpty else { throw StageError.noTrainingPrompts(session: session.location.name) }
        let subsets = try subsets(of: train, manifest: manifest)
        var report = Report(subsets: subsets, providers: [])
        for provider in 1...manifest.effectiveProviderCount {
            var entry = ProviderReport(provider: provider)
            let subset = subsets[provider] ?? []
            entry.examples = subset.count
            let id = AdapterID(iteration: 0, provider: provider)
            if try workspace.hasAdapter(id) {
                entry.alreadyDone = true
                entry.adapter = workspace.adapterDirectory(id)
                report.providers.append(entry)
                continue
            }
            let base = try workspace.base()
            let owner = manifest.ablations.noProviderDistinction ? 1 : provider
            let models = ProviderModels(miftDirectory: base.directory, model: base.model, tokenizer: base.tokenizer,
                                        adapterNames: [:], adapterDirectories: [:], providerCount: owner)
            entry.generated = try generateRejected(session: session, models: models, promptIDs: subset, owner: owner,
                                                   onProgress: onProgress)
            entry.identical = try writeLabels(session: session, promptIDs: subset, owner: owner)
            // The same pairs the trainer and the exports read for iteration 0.
            let pairs = try workspace.trainingPairs(iteration: 0, provider: provider)
            entry.pairs = pairs.count

            var policyModel = base.model
            policyModel.adapters = [id.name: LoRAAdapter(for: base.model, configuration: manifest.lora.configuration,
                                                         seed: manifest.seeds.training &+ UInt64(provider))]
            if !pairs.isEmpty {
                let policy = try LlamaPreferencePolicy(model: policyModel, tokenizer: base.tokenizer, adapterName: id.name)
                var configuration = DPOTrainingConfiguration(manifest: manifest)
                if let maxSteps { configuration.maxSteps = maxSteps }
                let trainer = DPOTrainer(store: session.store, sessionFolder: session.location.folder, policy: policy,
                                         pairs: pairs, iteration: 0, provider: provider, configuration: configuration)
                let outcome = try trainer.run { onTraining(provider, $0) }
                entry.outcome = outcome
                guard case .finished = outcome else {
                    report.providers.append(entry)
                    return report
                }
            }
            guard let adapter = policyModel.adapters[id.name] else { continue }
            entry.adapter = try workspace.saveAdapter(adapter, as: id, base: base)
            report.providers.append(entry)
        }
        return report
    }

    /// M_IFT's rationale (provider `owner`, iteration 0) for every prompt that lacks one; each
    /// prompt's row is committed as it is written. Returns how many were written.
    static func generateRejected(session: Session, models: ProviderModels, promptIDs: [Int64], owner: Int,
                                 batchSize: Int? = nil, onProgress: (StageProgress) -> Void) throws -> Int {
        var progress = StageProgress(stage: "providers: M_IFT's rationales for provider \(owner)", split: .train,
                                     done: 0, total: promptIDs.count, worked: 0)
        onProgress(progress)
        var written = 0
        var jobs: [GenerateStage.RationaleJob] = []
        var pending: [Int64] = []
        for promptID in promptIDs {
            if try session.store.generation(promptID: promptID, iteration: 0, provider: owner) == nil,
               let prompt = try session.store.prompt(id: promptID) {
                let text = session.manifest.templates.render(.rationale, instruction: prompt.instruction)
                let ids = try models.model.promptTokenIDs(text, tokenizer: models.tokenizer, promptID: promptID)
                let seed = GenerateStage.samplingSeed(session.manifest.seeds.sampling, promptID: promptID, iteration: 0,
                                                      provider: owner)
                jobs.append(GenerateStage.RationaleJob(tag: pending.count, candidate: owner, ids: ids, provider: owner,
                                                       decoding: session.manifest.decoding, seed: seed))
                pending.append(promptID)
            } else {
                progress.done += 1
                onProgress(progress)
            }
        }
        // Batched (batch_size sequences at once); each row is committed the moment it is done.
        try GenerateStage.generate(jobs, models: models, batchSize: max(1, batchSize ?? session.manifest.decoding.batchSize),
                                   onPiece: { _, _ in }, onDone: { job, tokens in
            written += try session.store.saveGenerations([GenerationRecord(
                promptId: pending[job.tag], iteration: 0, provider: owner,
                text: models.tokenizer.decode(tokens, skipSpecialTokens: true), tokenCount: tokens.count)])
            progress.worked += 1
            progress.done += 1
            onProgress(progress)
        })
        return written
    }

    /// The iteration-0 auto label of each prompt (gold over M_IFT's rationale); returns how many
    /// are filtered because the two rationales are the same text (whitespace at the ends aside).
    static func writeLabels(session: Session, promptIDs: [Int64], owner: Int) throws -> Int {
        var identical = 0
        for promptID in promptIDs {
            guard let prompt = try session.store.prompt(id: promptID), let gold = prompt.goldRationale,
                  let generation = try session.store.generation(promptID: promptID, iteration: 0, provider: owner) else {
                continue
            }
            let same = generation.text.trimmingWhitespace() == gold.trimmingWhitespace()
            if same { identical += 1 }
            try session.store.writeProviderPairLabel(promptID: promptID, goldRationale: gold, rejectedProvider: owner,
                                                     kept: !same)
        }
        return identical
    }
}

extension LoRASpec {
    /// The manifest's [lora] as the model's adapter configuration (targets q -> q_proj, ...).
    public var configuration: LoRAConfiguration {
        LoRAConfiguration(rank: rank, alpha: Float(alpha),
                          targets: Set(targets.compactMap { LLM.LoRATarget(rawValue: $0.rawValue + "_proj") }),
                          dropout: Float(dropout))
    }
}
