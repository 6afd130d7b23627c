import Foundation

/// Builds a directory whole: `fill` writes into a new temporary directory beside `target`,
/// which `replaceDirectory` then puts in place. On any error the temporary is removed and the
/// error rethrown (callers wrap it with what they were writing).
func buildDirectory(_ target: URL, _ fill: (URL) throws -> Void) throws {
    let files = FileManager.default
    let parent = target.deletingLastPathComponent()
    let temporary = parent.appendingPathComponent(
        ".\(target.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).tmp", isDirectory: true)
    do {
        try files.createDirectory(at: parent, withIntermediateDirectories: true)
        try? files.removeItem(at: temporary)
        try files.createDirectory(at: temporary, withIntermediateDirectories: true)
        try fill(temporary)
        try replaceDirectory(target, with: temporary)
    } catch {
        try? files.removeItem(at: temporary)
        throw error
    }
}

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
