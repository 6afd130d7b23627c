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

    /// Saves into a temporary directory beside `target`, then renames it into place (an
    /// existing adapter is moved aside first and removed after): a reader sees the old
    /// adapter or the new one, never half of one.
    public static func save(_ adapter: LoRAAdapter, to target: URL, baseModel: String) throws {
        let files = FileManager.default
        let parent = target.deletingLastPathComponent()
        let pid = ProcessInfo.processInfo.processIdentifier
        let temporary = parent.appendingPathComponent(".\(target.lastPathComponent).\(pid).tmp", isDirectory: true)
        do {
            try files.createDirectory(at: parent, withIntermediateDirectories: true)
            try? files.removeItem(at: temporary)
            try adapter.save(to: temporary, baseModel: baseModel)
            try replaceDirectory(target, with: temporary)
        } catch {
            try? files.removeItem(at: temporary)
            throw TrainingError.io(path: target.path, reason: "cannot save the adapter: \(error)")
        }
    }
}
