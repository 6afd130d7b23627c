import Foundation
import LLM

extension Session {
    /// The directory M_IFT is loaded from: the one rule every stage (providers, generate, score,
    /// train, eval, run) and the workbench follow.
    /// - `[mift] skip = true`: the manifest's model is M_IFT already (the demo model was trained
    ///   from scratch on the MIFT mixture), whatever `mift/` holds.
    /// - otherwise `mift/` once the MIFT stage wrote it (it holds a config.json), and before that
    ///   the manifest's model, so stages run by hand on a base model still work.
    public var miftDirectory: URL {
        if manifest.miftSkipped { return location.resolve(manifest.model) }
        return miftWritten ? location.mift : location.resolve(manifest.model)
    }

    /// Whether there is a model to load at `miftDirectory` (a directory with config.json, or a
    /// `.gguf` file named by the manifest's `model`), without opening it.
    public var hasMIFTModel: Bool { ModelDirectory.isPresent(at: miftDirectory) }

    /// Whether the manifest's `model` (a directory or a `.gguf` file) is there.
    public var hasBaseModel: Bool { ModelDirectory.isPresent(at: location.resolve(manifest.model)) }

    /// Whether the MIFT stage has written `mift/` (it is renamed into place only when complete).
    public var miftWritten: Bool {
        FileManager.default.fileExists(atPath: location.mift.appendingPathComponent("config.json").path)
    }
}
