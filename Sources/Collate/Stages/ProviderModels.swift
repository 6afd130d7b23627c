import Foundation
import LLM

/// The models the stages run (COLLATE.md sections 2-3): M_IFT, loaded once, with each
/// provider's LoRA adapter registered on it by name, so one copy of the base weights serves
/// every provider and "adapter off" is frozen M_IFT.
///
/// Iterations follow the train stage: iteration I trains `adapters/iteration-(I-1)/provider-s`
/// into `adapters/iteration-I/provider-s` on the labels of iteration I, so the rationales of
/// iteration I are written by the providers as they were at its start, the adapters of
/// iteration I-1. Iteration-0 adapters are the providers stage's output; before it ran (no
/// iteration-0 adapter at all) every provider is M_IFT itself.
public struct ProviderModels: Sendable {
    /// The directory M_IFT was loaded from.
    public let miftDirectory: URL
    /// M_IFT with the provider adapters in `adapters`.
    public let model: LlamaModel
    public let tokenizer: Tokenizer
    /// The adapter name of each provider 1...S in `model.adapters`; nil: M_IFT itself.
    public let adapterNames: [Int: String]
    /// The adapter directory each provider was loaded from (absent: M_IFT itself).
    public let adapterDirectories: [Int: URL]
    public let providerCount: Int

    public var providers: ClosedRange<Int> { 1...providerCount }

    public func adapterName(provider: Int) -> String? { adapterNames[provider] }

    /// The provider that writes candidate `candidate` (`SessionManifest.provider(ofCandidate:)`):
    /// candidates cycle through the providers.
    public func provider(ofCandidate candidate: Int) -> Int {
        SessionManifest.provider(ofCandidate: candidate, providers: providerCount)
    }

    /// How candidate `candidate` is decoded: the manifest's way for each provider's first
    /// rationale; the others are sampled (a second greedy or beam decoding would repeat it).
    public func decoding(candidate: Int, manifest: DecodingSpec) -> DecodingSpec {
        var decoding = manifest
        if candidate > providerCount { decoding.strategy = .sample }
        return decoding
    }

    /// `adapters/iteration-<i>/provider-<s>/`, the same path the train stage writes.
    public static func adapterDirectory(_ location: SessionLocation, iteration: Int, provider: Int) -> URL {
        ProviderAdapters.directory(location, iteration: iteration, provider: provider)
    }

    /// The highest iteration with an adapter directory for provider 1, if any.
    public static func latestAdapterIteration(_ session: Session) -> Int? {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: session.location.adapters.path)) ?? []
        return names.compactMap { name -> Int? in
            guard name.hasPrefix("iteration-"), let value = Int(name.dropFirst("iteration-".count)) else { return nil }
            let config = adapterDirectory(session.location, iteration: value, provider: 1)
                .appendingPathComponent(LoRAAdapter.configFileName)
            return FileManager.default.fileExists(atPath: config.path) ? value : nil
        }.max()
    }

    /// The iteration a new round of rationales belongs to: one past the latest adapters
    /// (1 before any provider was trained).
    public static func nextIteration(_ session: Session) -> Int {
        (latestAdapterIteration(session) ?? 0) + 1
    }

    /// M_IFT alone (no provider adapters): the scorer's frozen model.
    public static func loadMIFT(session: Session) throws -> (directory: URL, model: LlamaModel, tokenizer: Tokenizer) {
        let directory = session.miftDirectory
        guard FileManager.default.fileExists(atPath: directory.path) else {
            throw StageError.model(path: directory.path, reason: "no such directory (write M_IFT to mift/ "
                + "or set model in session.toml)")
        }
        do {
            let opened = try ModelDirectory(url: directory)
            return (directory, try LlamaModel(directory: opened), opened.tokenizer)
        } catch {
            throw StageError.model(path: directory.path, reason: "\(error)")
        }
    }

    /// M_IFT with the providers that write the rationales of `iteration` (>= 1).
    public static func load(session: Session, iteration: Int) throws -> ProviderModels {
        guard iteration >= 1 else {
            throw StageError.invalidIteration(iteration, reason: "rationale iterations start at 1 "
                + "(iteration I is written by the adapters of iteration I-1)")
        }
        let (directory, base, tokenizer) = try loadMIFT(session: session)
        var model = base
        let count = session.manifest.effectiveProviderCount
        let adapterIteration = iteration - 1
        let directories = (1...count).map { adapterDirectory(session.location, iteration: adapterIteration, provider: $0) }
        let present = directories.map {
            FileManager.default.fileExists(atPath: $0.appendingPathComponent(LoRAAdapter.configFileName).path)
        }
        // Before the providers stage every provider is M_IFT; once any adapter exists, all must.
        if adapterIteration == 0 && !present.contains(true) {
            return ProviderModels(miftDirectory: directory, model: model, tokenizer: tokenizer, adapterNames: [:],
                                  adapterDirectories: [:], providerCount: count)
        }
        var names: [Int: String] = [:]
        var loaded: [Int: URL] = [:]
        for (index, adapterURL) in directories.enumerated() {
            let provider = index + 1
            guard present[index] else {
                throw StageError.adapter(path: adapterURL.path, provider: provider, reason: "no \(LoRAAdapter.configFileName) "
                    + "(iteration \(iteration) needs the adapters of iteration \(adapterIteration))")
            }
            do {
                model.adapters["provider-\(provider)"] = try LoRAAdapter(contentsOf: adapterURL, for: model)
            } catch {
                throw StageError.adapter(path: adapterURL.path, provider: provider, reason: "\(error)")
            }
            names[provider] = "provider-\(provider)"
            loaded[provider] = adapterURL
        }
        return ProviderModels(miftDirectory: directory, model: model, tokenizer: tokenizer, adapterNames: names,
                              adapterDirectories: loaded, providerCount: count)
    }
}

extension LlamaModel {
    /// `[bos]? + encode(prompt)`: the prompt side of the FORMATS.md token rule, checked to leave
    /// room for at least one new token.
    func promptTokenIDs(_ prompt: String, tokenizer: Tokenizer, promptID: Int64) throws -> [Int] {
        let ids = tokenizer.prependingBOS(tokenizer.encode(prompt))
        guard !ids.isEmpty, ids.count < contextLength else {
            throw StageError.promptTooLong(promptID: promptID, tokens: ids.count, context: contextLength)
        }
        return ids
    }
}
