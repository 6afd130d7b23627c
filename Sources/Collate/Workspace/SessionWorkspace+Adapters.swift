import Foundation
import LLM

/// Which adapters exist and the models the stages run with them on the shared base.
extension SessionWorkspace {
    public func adapterDirectory(_ id: AdapterID) -> URL { id.directory(in: location) }

    public func hasAdapter(_ id: AdapterID) -> Bool { id.isSaved(in: location) }

    /// The highest iteration with provider 1's adapter saved, if any.
    public func latestAdapterIteration() -> Int? {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: location.adapters.path)) ?? []
        return names.compactMap { name -> Int? in
            guard name.hasPrefix("iteration-"), let value = Int(name.dropFirst("iteration-".count)) else { return nil }
            return hasAdapter(AdapterID(iteration: value, provider: 1)) ? value : nil
        }.max()
    }

    /// The saved adapter `id`, read for `model`'s shapes.
    public func loadAdapter(_ id: AdapterID, for model: LlamaModel) throws -> LoRAAdapter {
        try LoRAAdapter(contentsOf: adapterDirectory(id), for: model)
    }

    /// Saves `adapter` as `id` (whole: a reader sees the old directory or the new one), naming
    /// the base it was trained over. Returns its directory.
    @discardableResult
    public func saveAdapter(_ adapter: LoRAAdapter, as id: AdapterID, base: BaseModel) throws -> URL {
        let target = adapterDirectory(id)
        try ProviderAdapters.save(adapter, to: target, baseModel: base.directory.path)
        return target
    }

    /// M_IFT with the providers that write the rationales of `iteration` (>= 1): the adapters
    /// of iteration - 1 registered on the shared base. Before the providers stage (no
    /// iteration-0 adapter at all) every provider is M_IFT itself; once any exists, all must.
    public func providerModels(iteration: Int) throws -> ProviderModels {
        guard iteration >= 1 else {
            throw StageError.invalidIteration(iteration, reason: "rationale iterations start at 1 "
                + "(iteration I is written by the adapters of iteration I-1)")
        }
        let base = try base()
        let count = manifest.effectiveProviderCount
        let ids = (1...max(1, count)).map { AdapterID(iteration: iteration - 1, provider: $0) }
        if iteration == 1 && !ids.contains(where: hasAdapter) {
            return ProviderModels(miftDirectory: base.directory, model: base.model, tokenizer: base.tokenizer,
                                  adapterNames: [:], adapterDirectories: [:], providerCount: count)
        }
        var model = base.model
        var names: [Int: String] = [:]
        var directories: [Int: URL] = [:]
        for id in ids {
            let directory = adapterDirectory(id)
            guard hasAdapter(id) else {
                throw StageError.adapter(path: directory.path, provider: id.provider, reason: "no \(LoRAAdapter.configFileName) "
                    + "(iteration \(iteration) needs the adapters of iteration \(id.iteration))")
            }
            do {
                model.adapters[id.name] = try loadAdapter(id, for: model)
            } catch {
                throw StageError.adapter(path: directory.path, provider: id.provider, reason: "\(error)")
            }
            names[id.provider] = id.name
            directories[id.provider] = directory
        }
        return ProviderModels(miftDirectory: base.directory, model: model, tokenizer: base.tokenizer, adapterNames: names,
                              adapterDirectories: directories, providerCount: count)
    }
}
