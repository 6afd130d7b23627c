import Foundation
import LLM

/// The providers stage (COLLATE.md section 2), without its DPO step: the rationale-bearing
/// training data is split into S disjoint subsets (`ProviderPartition`, seed [seeds] pairs;
/// one shared set under the no-provider-distinction ablation), and each provider gets a fresh
/// LoRA adapter (manifest rank/alpha/targets, A seeded from [seeds] training + s, B = 0) saved
/// in PEFT layout to `adapters/iteration-0/provider-s/`, written under a temporary name and
/// renamed. A fresh adapter leaves M_IFT's output unchanged: the providers become distinct
/// only once they are tuned with DPO on their subsets (the train stage's trainer).
/// Resumable: an adapter already on disk is kept.
public enum ProvidersStage {
    public struct Report: Sendable, Equatable {
        /// Prompt ids of each provider's subset.
        public var subsets: [Int: [Int64]]
        /// Providers whose adapter this run wrote (the others were on disk already).
        public var written: [Int]
    }

    public static func run(session: Session) throws -> Report {
        let manifest = session.manifest
        let ids = try session.store.prompts(split: .train).filter { $0.goldRationale != nil }.compactMap(\.id)
        let subsets: [Int: [Int64]]
        do {
            subsets = try ProviderPartition.assign(promptIDs: ids, providerCount: manifest.effectiveProviderCount,
                                                   seed: manifest.seeds.pairs,
                                                   distinct: !manifest.ablations.noProviderDistinction)
        } catch {
            throw StageError.evaluation("cannot partition the training data: \(error)")
        }
        let (directory, model, _) = try ProviderModels.loadMIFT(session: session)
        let configuration = LoRAConfiguration(
            rank: manifest.lora.rank, alpha: Float(manifest.lora.alpha),
            targets: Set(manifest.lora.targets.compactMap { LLM.LoRATarget(rawValue: $0.rawValue + "_proj") }),
            dropout: Float(manifest.lora.dropout))
        var written: [Int] = []
        for provider in 1...manifest.effectiveProviderCount {
            let target = ProviderModels.adapterDirectory(session.location, iteration: 0, provider: provider)
            if FileManager.default.fileExists(atPath: target.appendingPathComponent(LoRAAdapter.configFileName).path) { continue }
            let adapter = LoRAAdapter(for: model, configuration: configuration,
                                      seed: manifest.seeds.training &+ UInt64(provider))
            try saveAtomically(adapter, to: target, baseModel: directory.path)
            written.append(provider)
        }
        return Report(subsets: subsets, written: written)
    }

    /// Saves into `.provider-s.<pid>.tmp` beside the target, then renames it into place.
    static func saveAtomically(_ adapter: LoRAAdapter, to target: URL, baseModel: String) throws {
        let files = FileManager.default
        let parent = target.deletingLastPathComponent()
        let temporary = parent.appendingPathComponent(
            ".\(target.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).tmp", isDirectory: true)
        do {
            try files.createDirectory(at: parent, withIntermediateDirectories: true)
            try? files.removeItem(at: temporary)
            try adapter.save(to: temporary, baseModel: baseModel)
            try files.moveItem(at: temporary, to: target)
        } catch {
            try? files.removeItem(at: temporary)
            throw StageError.adapter(path: target.path, provider: 0, reason: "cannot save: \(error)")
        }
    }
}
