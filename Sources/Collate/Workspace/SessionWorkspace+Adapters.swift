import Foundation
import LLM

/// Which adapters exist and the models the stages run with them on the shared base.
extension SessionWorkspace {
    public func adapterDirectory(_ id: AdapterID) -> URL { id.directory(in: location) }

    /// Whether `id` is saved: the store's row (written with the directory) says so.
    public func hasAdapter(_ id: AdapterID) throws -> Bool {
        try store.hasAdapter(iteration: id.iteration, provider: id.provider)
    }

    /// The highest iteration with provider 1's adapter saved, if any.
    public func latestAdapterIteration() throws -> Int? {
        try store.latestAdapterIteration(provider: 1)
    }

    /// The check on open: the store's rows and the adapter directories must agree. A directory
    /// without a row (a store from before the adapter table, or a kill between the rename and
    /// the row) is recorded; a row whose directory is gone (removed by hand) is forgotten, so
    /// no stage loads an adapter that is not there.
    func checkAdapters() throws {
        let recorded = Set(try store.adapters().map { AdapterID(iteration: $0.iteration, provider: $0.provider) })
        let onDisk = Set(adaptersOnDisk())
        for id in onDisk.subtracting(recorded).sorted(by: { ($0.iteration, $0.provider) < ($1.iteration, $1.provider) }) {
            try store.recordAdapter(AdapterRecord(iteration: id.iteration, provider: id.provider, path: relativePath(id)))
        }
        try store.forgetAdapters(recorded.subtracting(onDisk).map { ($0.iteration, $0.provider) })
    }

    /// The saved adapter directories under `adapters/` (those holding an adapter_config.json).
    func adaptersOnDisk() -> [AdapterID] {
        let files = FileManager.default
        let iterations = (try? files.contentsOfDirectory(atPath: location.adapters.path)) ?? []
        return iterations.flatMap { name -> [AdapterID] in
            guard name.hasPrefix("iteration-"), let iteration = Int(name.dropFirst("iteration-".count)), iteration >= 0 else {
                return []
            }
            let folder = location.adapters.appendingPathComponent(name, isDirectory: true)
            let providers = (try? files.contentsOfDirectory(atPath: folder.path)) ?? []
            return providers.compactMap { entry -> AdapterID? in
                guard entry.hasPrefix("provider-"), let provider = Int(entry.dropFirst("provider-".count)), provider >= 1 else {
                    return nil
                }
                let id = AdapterID(iteration: iteration, provider: provider)
                return id.isSaved(in: location) ? id : nil
            }
        }
    }

    func relativePath(_ id: AdapterID) -> String {
        "adapters/iteration-\(id.iteration)/\(id.name)"
    }

    /// The saved adapter `id`, read for `model`'s shapes.
    public func loadAdapter(_ id: AdapterID, for model: LlamaModel) throws -> LoRAAdapter {
        try LoRAAdapter(contentsOf: adapterDirectory(id), for: model)
    }

    /// Saves `adapter` as `id` (whole: a reader sees the old directory or the new one), naming
    /// the base it was trained over, and records it in the store. Returns its directory.
    @discardableResult
    public func saveAdapter(_ adapter: LoRAAdapter, as id: AdapterID, base: BaseModel) throws -> URL {
        try saveAdapter(adapter, as: id, baseDirectory: base.directory)
    }

    @discardableResult
    public func saveAdapter(_ adapter: LoRAAdapter, as id: AdapterID, baseDirectory: URL) throws -> URL {
        let target = adapterDirectory(id)
        try ProviderAdapters.save(adapter, to: target, baseModel: baseDirectory.path)
        try store.recordAdapter(AdapterRecord(iteration: id.iteration, provider: id.provider, path: relativePath(id)))
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
        if iteration == 1, try !ids.contains(where: hasAdapter) {
            return ProviderModels(miftDirectory: base.directory, model: base.model, tokenizer: base.tokenizer,
                                  adapterNames: [:], adapterDirectories: [:], providerCount: count)
        }
        var model = base.model
        var names: [Int: String] = [:]
        var directories: [Int: URL] = [:]
        for id in ids {
            let directory = adapterDirectory(id)
            guard try hasAdapter(id) else {
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
