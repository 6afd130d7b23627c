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
        AdapterID(iteration: iteration, provider: provider).directory(in: location)
    }

    /// The highest iteration with an adapter directory for provider 1, if any.
    public static func latestAdapterIteration(_ session: Session) -> Int? {
        // As the folder scan it replaces did, a store that cannot be read has no adapters.
        (try? SessionWorkspace(session).latestAdapterIteration()) ?? nil
    }

    /// The iteration a new round of rationales belongs to: one past the latest adapters
    /// (1 before any provider was trained).
    public static func nextIteration(_ session: Session) -> Int {
        (latestAdapterIteration(session) ?? 0) + 1
    }

    /// M_IFT alone (no provider adapters): the scorer's frozen model, loaded for this call
    /// (a long-lived caller keeps a `SessionWorkspace`, which loads it once).
    public static func loadMIFT(session: Session) throws -> (directory: URL, model: LlamaModel, tokenizer: Tokenizer) {
        let base = try SessionWorkspace(session).base()
        return (base.directory, base.model, base.tokenizer)
    }

    /// M_IFT with the providers that write the rationales of `iteration` (>= 1), loaded for
    /// this call: `SessionWorkspace.providerModels(iteration:)`.
    public static func load(session: Session, iteration: Int) throws -> ProviderModels {
        try SessionWorkspace(session).providerModels(iteration: iteration)
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
