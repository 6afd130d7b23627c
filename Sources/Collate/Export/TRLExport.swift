import Foundation
import LLM

/// `collate export --format trl`: per provider, a directory TRL trains on as it is
/// (`exports/trl/iteration-<I>/provider-<P>/`):
///   train.jsonl            TRL preference rows with the extra columns and ref_chosen_logps /
///                          ref_rejected_logps (computed now with the start adapter if the train
///                          stage has not stored them yet)
///   README.md              dataset card (front matter `configs` -> train.jsonl) and how it was made
///   collate_export.json    DPOExportMetadata: beta, loss, optimiser, LoRA, counts
///   reference_adapter/     the provider's adapter at the start of the iteration (PEFT), the
///                          policy's starting point and the reference of the log-probs
/// Each directory is assembled under a temporary name and renamed into place.
public enum TRLExport {
    public struct Exported: Sendable, Equatable {
        public let provider: Int
        public let directory: URL
        public let pairs: Int
        /// Reference log-probs computed by this export (not stored by the train stage before).
        public let referencesComputed: Int
    }

    public static let trainFileName = "train.jsonl"
    public static let referenceAdapterName = "reference_adapter"

    public static func write(session: Session, iteration: Int, into root: URL? = nil, now: Date = Date()) throws -> [Exported] {
        guard iteration >= 1 else {
            throw TrainingError.invalidConfiguration("iteration \(iteration): DPO data starts at iteration 1")
        }
        let workspace = try SessionWorkspace(session)
        let base = session.miftDirectory.standardizedFileURL.path
        var exported: [Exported] = []
        let labels = try labelCounts(session: session, iteration: iteration)
        for provider in workspace.providers {
            let pairs = try workspace.trainingPairs(iteration: iteration, provider: provider)
            guard !pairs.isEmpty else { continue }
            let startID = AdapterID(iteration: iteration - 1, provider: provider)
            let start = workspace.adapterDirectory(startID)
            guard try workspace.hasAdapter(startID) else {
                throw TrainingError.io(path: start.path, reason: "provider \(provider) has no adapter from iteration \(iteration - 1), "
                    + "the starting point and reference of iteration \(iteration) (run the providers stage first)")
            }
            var computed = 0
            let stored = try session.store.referenceLogprobs(iteration: iteration, provider: provider)
            if pairs.contains(where: { stored[$0.id] == nil }) {
                // The workspace loads the base the first time a provider needs it, then shares it.
                let loaded = try workspace.base()
                var model = loaded.model
                model.adapters = [startID.name: try workspace.loadAdapter(startID, for: model)]
                let policy = try LlamaPreferencePolicy(model: model, tokenizer: loaded.tokenizer, adapterName: startID.name)
                computed = try ReferenceLogprobComputation.completeMissing(
                    store: session.store, policy: policy, pairs: pairs, iteration: iteration, provider: provider,
                    batchSize: session.manifest.dpo.training.batchSize).computed
            }
            let rows = try PreferenceExport.labelledRows(session: session, iteration: iteration, providers: [provider])[provider]?
                .map(\.row) ?? []
            let metadata = makeMetadata(session: session, iteration: iteration, provider: provider, base: base,
                                        rows: rows, labels: labels, now: now)
            let directory = (root ?? session.location.exports)
                .appendingPathComponent("trl/iteration-\(iteration)", isDirectory: true)
                .appendingPathComponent(AdapterID(iteration: iteration, provider: provider).name, isDirectory: true)
            try writeDirectory(directory, rows: rows, metadata: metadata, startAdapter: start, base: base, provider: provider)
            exported.append(Exported(provider: provider, directory: directory, pairs: rows.count, referencesComputed: computed))
        }
        return exported
    }

    static func writeDirectory(_ directory: URL, rows: [PreferenceRow], metadata: DPOExportMetadata,
                               startAdapter: URL, base: String, provider: Int) throws {
        do {
            try buildDirectory(directory) { temporary in
                try Data(try PreferenceExport.jsonLines(rows).utf8).write(to: temporary.appendingPathComponent(trainFileName))
                try Data(metadata.card().utf8).write(to: temporary.appendingPathComponent("README.md"))
                try DPOExportMetadata.encoder().encode(metadata)
                    .write(to: temporary.appendingPathComponent(DPOExportMetadata.fileName))
                _ = try PEFTExport.copyAdapter(from: startAdapter, to: temporary.appendingPathComponent(referenceAdapterName),
                                               baseModel: base, provider: provider)
            }
        } catch {
            throw SessionError.io(path: directory.path, reason: "cannot write the TRL export: \(error)")
        }
    }

    static func makeMetadata(session: Session, iteration: Int, provider: Int, base: String, rows: [PreferenceRow],
                             labels: DPOExportMetadata.LabelCounts, now: Date) -> DPOExportMetadata {
        let manifest = session.manifest
        let configuration = DPOTrainingConfiguration(manifest: manifest)
        var sources: [String: Int] = [:]
        for row in rows { sources[row.labelSource.rawValue, default: 0] += 1 }
        let optimisation = DPOExportMetadata.Optimisation(
            beta: configuration.beta, lossType: configuration.loss.rawValue,
            sftWeight: configuration.sftWeight, learningRate: configuration.learningRate,
            lrSchedulerType: configuration.scheduler.rawValue, warmupRatio: configuration.warmupRatio,
            maxGradNorm: configuration.maxGradNorm, weightDecay: configuration.weightDecay,
            adamBeta1: 0.9, adamBeta2: 0.999, adamEpsilon: 1e-8,   // TensorCore AdamW's defaults, as torch's
            totalBatchSize: configuration.batchSize, numTrainEpochs: configuration.epochs,
            maxSteps: configuration.maxSteps, seed: configuration.seed)
        let lora = DPOExportMetadata.LoRA(
            r: manifest.lora.rank, loraAlpha: manifest.lora.alpha, loraDropout: manifest.lora.dropout,
            targetModules: manifest.lora.targets.map { $0.rawValue + "_proj" })
        let formatter = ISO8601DateFormatter()
        return DPOExportMetadata(
            format: DPOExportMetadata.formatVersion, session: session.location.name, iteration: iteration,
            provider: provider, baseModel: base, referenceAdapter: referenceAdapterName, trainFile: trainFileName,
            pairs: rows.count, labelSources: sources, labels: labels, optimisation: optimisation, lora: lora,
            tokenBoundaries: DPOExportMetadata.tokenRule, createdAt: formatter.string(from: now))
    }

    /// The effective labels of the iteration's training prompts, counted by action.
    static func labelCounts(session: Session, iteration: Int) throws -> DPOExportMetadata.LabelCounts {
        let (trainPrompts, labels) = try session.store.trainingLabelsInForce(iteration: iteration)
        func count(_ action: LabelAction) -> Int { labels.filter { $0.action == action }.count }
        return DPOExportMetadata.LabelCounts(
            trainPrompts: trainPrompts, unlabelled: trainPrompts - labels.count, chosen: count(.chosen),
            keptFiltered: count(.keptFiltered), filtered: count(.filtered), dropped: count(.dropped))
    }
}
