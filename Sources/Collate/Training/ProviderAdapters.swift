import Foundation
import LLM

/// Where provider adapters live in a session: `adapters/iteration-<i>/provider-<s>/`, PEFT
/// directories; iteration 0 holds the providers stage's output (COLLATE.md section 2).
public enum ProviderAdapters {
    public static func directory(_ location: SessionLocation, iteration: Int, provider: Int) -> URL {
        location.adapters
            .appendingPathComponent("iteration-\(iteration)", isDirectory: true)
            .appendingPathComponent("provider-\(provider)", isDirectory: true)
    }

    /// Whether the provider's adapter of `iteration` is saved (its adapter_config.json exists).
    public static func exists(_ location: SessionLocation, iteration: Int, provider: Int) -> Bool {
        let config = directory(location, iteration: iteration, provider: provider)
            .appendingPathComponent(LoRAAdapter.configFileName)
        return FileManager.default.fileExists(atPath: config.path)
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
