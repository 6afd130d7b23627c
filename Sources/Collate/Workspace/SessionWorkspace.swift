import Foundation
import LLM
import Synchronization

/// The one owner of a session's round state, for one process: the models (M_IFT loaded once
/// and shared by the providers stage, generate, score, train and eval; adapters swapped on it),
/// which adapters exist (`AdapterID`), the pairs each provider trains on
/// (`trainingPairs(iteration:provider:)`) and training every provider of a round with its one
/// no-pairs policy (`trainProviders`). The loop, the CLI and the workbench all go through it.
///
/// Sharing the base costs nothing in results: `LlamaModel` is a struct of tensor references,
/// so each stage's copy adds its own adapters over the same frozen weights, exactly the
/// weights a fresh load would give.
public final class SessionWorkspace: Sendable {
    public let session: Session
    private let loadedBase = Mutex<BaseModel?>(nil)

    /// Opens the workspace of `session`, checking the store's adapter rows against the
    /// adapter directories (`checkAdapters`).
    public init(_ session: Session) throws {
        self.session = session
        try checkAdapters()
    }

    public var location: SessionLocation { session.location }
    public var manifest: SessionManifest { session.manifest }
    public var store: SessionStore { session.store }

    /// The providers 1...S of this session.
    public var providers: ClosedRange<Int> { 1...max(1, manifest.effectiveProviderCount) }

    /// M_IFT without adapters, as loaded from `Session.miftDirectory`.
    public struct BaseModel: Sendable {
        public let directory: URL
        public let model: LlamaModel
        public let tokenizer: Tokenizer
    }

    /// M_IFT, loaded the first time a stage asks and kept for the process. Loaded again only
    /// when `Session.miftDirectory` names another directory (the MIFT stage has just written
    /// `mift/`, which replaces the manifest's model as M_IFT).
    public func base() throws -> BaseModel {
        let directory = session.miftDirectory
        return try loadedBase.withLock { loaded throws -> BaseModel in
            if let loaded, loaded.directory == directory { return loaded }
            // Drop the old weights before reading the new ones: never two bases in memory.
            loaded = nil
            let fresh = try Self.load(directory)
            loaded = fresh
            return fresh
        }
    }

    /// Forgets the loaded base (the next `base()` reads it from disk again).
    public func releaseBase() {
        loadedBase.withLock { $0 = nil }
    }

    static func load(_ directory: URL) throws -> BaseModel {
        guard FileManager.default.fileExists(atPath: directory.path) else {
            throw StageError.model(path: directory.path, reason: "no such directory (write M_IFT to mift/ "
                + "or set model in session.toml)")
        }
        do {
            let opened = try ModelDirectory(url: directory)
            return BaseModel(directory: directory, model: try LlamaModel(directory: opened), tokenizer: opened.tokenizer)
        } catch {
            throw StageError.model(path: directory.path, reason: "\(error)")
        }
    }
}
