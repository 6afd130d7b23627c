import Foundation

/// Moves `replacement` to `target`; an existing `target` is moved aside first and removed
/// after, so a reader sees the old directory or the new one, never half of one. Every
/// directory the session writes whole (adapters, exports) is put in place this way.
func replaceDirectory(_ target: URL, with replacement: URL) throws {
    let files = FileManager.default
    let old = target.deletingLastPathComponent()
        .appendingPathComponent(".\(target.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).old")
    if files.fileExists(atPath: target.path) {
        try? files.removeItem(at: old)
        try files.moveItem(at: target, to: old)
    }
    try files.moveItem(at: replacement, to: target)
    try? files.removeItem(at: old)
}
