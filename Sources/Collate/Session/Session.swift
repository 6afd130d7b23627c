import Foundation

/// An open session: where it is, its manifest, its store.
public struct Session: Sendable {
    public let location: SessionLocation
    public let manifest: SessionManifest
    public let store: SessionStore

    /// Opens an existing session: reads and validates the manifest, opens (and migrates) the store.
    public static func open(_ location: SessionLocation) throws -> Session {
        guard FileManager.default.fileExists(atPath: location.manifest.path) else {
            throw SessionError.notFound(path: location.manifest.path)
        }
        var manifest = try SessionManifest.load(from: location.manifest)
        if manifest.templates.chat {
            manifest.templates.chatFormat = try chatFormat(of: manifest, at: location)
        }
        return Session(location: location, manifest: manifest, store: try SessionStore(url: location.store))
    }

    /// Creates the session folder with a default manifest (`SessionManifest.defaultText`) and an
    /// empty store. Idempotent: an existing manifest is kept as it is (and must be valid), an
    /// existing store is opened and migrated. `createdManifest` says whether one was written.
    public static func create(_ location: SessionLocation, data: TaskDataSpec) throws
        -> (session: Session, createdManifest: Bool) {
        let files = FileManager.default
        // A dangling symbolic link (the folder or its manifest) is named, not followed or replaced.
        for url in [location.folder, location.manifest] {
            if case .danglingLink(let target)? = TextFile.pathProblem(url) {
                throw SessionError.io(path: url.path, reason: "a symbolic link to \(target), which does not exist "
                    + "(create the target or remove the link)")
            }
        }
        // pathProblem is nil for an existing file (as a place for a file, nothing is wrong).
        if TextFile.pathProblem(location.folder) == nil {
            throw SessionError.io(path: location.folder.path, reason: "a file is there, not a session folder")
        }
        do {
            try files.createDirectory(at: location.folder, withIntermediateDirectories: true)
        } catch {
            throw SessionError.io(path: location.folder.path, reason: error.localizedDescription)
        }
        var created = false
        if !files.fileExists(atPath: location.manifest.path) {
            try writeAtomically(Data(SessionManifest.defaultText(data: data).utf8), to: location.manifest)
            created = true
        }
        return (try open(location), created)
    }

    /// Writes to a temporary name beside `url`, then renames: a reader never sees half a file.
    public static func writeAtomically(_ data: Data, to url: URL) throws {
        let temporary = url.deletingLastPathComponent()
            .appendingPathComponent(".\(url.lastPathComponent).\(ProcessInfo.processInfo.processIdentifier).tmp")
        do {
            try data.write(to: temporary)
            // rename(2) replaces an existing file atomically. FileManager.replaceItemAt is not
            // used: on Linux it lost the target when one process replaced two files in a row.
            guard rename(temporary.path, url.path) == 0 else {
                throw SessionError.io(path: url.path, reason: String(cString: strerror(errno)))
            }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            if let error = error as? SessionError { throw error }
            throw SessionError.io(path: url.path, reason: error.localizedDescription)
        }
    }

    /// `target` as a path relative to `base` (a directory) when they share a root, so that a
    /// manifest stays valid when the repository moves: /a/b/c, /a/d/f.jsonl -> ../../d/f.jsonl.
    public static func relativePath(of target: URL, from base: URL) -> String {
        let targetParts = target.standardizedFileURL.pathComponents
        let baseParts = base.standardizedFileURL.pathComponents
        var common = 0
        while common < min(targetParts.count, baseParts.count) && targetParts[common] == baseParts[common] {
            common += 1
        }
        guard common > 1 else { return target.standardizedFileURL.path }  // only "/" in common
        let ups = Array(repeating: "..", count: baseParts.count - common)
        return (ups + targetParts[common...]).joined(separator: "/")
    }
}
