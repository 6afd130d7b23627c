import Foundation
import LLM

/// One provider's LoRA adapter of one iteration (COLLATE.md sections 2-3): iteration 0 is the
/// providers stage's output, iteration I the DPO run of round I, which starts from (and is
/// referenced against) the same provider's adapter of iteration I - 1. Its folder and the name
/// it is registered under on the shared base model are derived here and nowhere else.
public struct AdapterID: Hashable, Sendable, CustomStringConvertible {
    public let iteration: Int
    public let provider: Int

    public init(iteration: Int, provider: Int) {
        self.iteration = iteration
        self.provider = provider
    }

    /// The same provider's adapter one iteration earlier: this one's DPO start and reference.
    public var previous: AdapterID { AdapterID(iteration: iteration - 1, provider: provider) }

    /// The key in `LlamaModel.adapters` (and the module name vLLM serves it under). One name
    /// per provider: a model never holds two iterations of the same provider at once.
    public var name: String { "provider-\(provider)" }

    /// `adapters/iteration-<i>/provider-<s>/`, a PEFT directory.
    public func directory(in location: SessionLocation) -> URL {
        location.adapters
            .appendingPathComponent("iteration-\(iteration)", isDirectory: true)
            .appendingPathComponent(name, isDirectory: true)
    }

    /// Whether it is saved: its adapter_config.json exists (`ProviderAdapters.save` renames the
    /// whole directory into place, so the config is there only when the weights are).
    public func isSaved(in location: SessionLocation) -> Bool {
        FileManager.default.fileExists(atPath: directory(in: location).appendingPathComponent(LoRAAdapter.configFileName).path)
    }

    public var description: String { "provider \(provider)'s adapter of iteration \(iteration)" }
}
