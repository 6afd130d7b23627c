import Foundation
import LLM

/// Provider adapters on disk by number (`AdapterID` names them): `adapters/iteration-<i>/provider-<s>/`,
/// PEFT directories; iteration 0 holds the providers stage's output (COLLATE.md section 2).
public enum ProviderAdapters {
    public static func directory(_ location: SessionLocation, iteration: Int, provider: Int) -> URL {
        AdapterID(iteration: iteration, provider: provider).directory(in: location)
    }

    /// Whether the provider's adapter of `iteration` is saved (its adapter_config.json exists).
    public static func exists(_ location: SessionLocation, iteration: Int, provider: Int) -> Bool {
        AdapterID(iteration: iteration, provider: provider).isSaved(in: location)
    }

    /// Saves the adapter whole (`buildDirectory`): a reader sees the old adapter or the new
    /// one, never half of one.
    public static func save(_ adapter: LoRAAdapter, to target: URL, baseModel: String) throws {
        do {
            try buildDirectory(target) { try adapter.save(to: $0, baseModel: baseModel) }
        } catch {
            throw TrainingError.io(path: target.path, reason: "cannot save the adapter: \(error)")
        }
    }
}
