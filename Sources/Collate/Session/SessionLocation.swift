import Foundation

/// Where a session's files live: `<sessions dir>/<name>/` (DESIGN.md, Sessions).
public struct SessionLocation: Sendable, Equatable {
    /// The environment variable that moves every session (and so everything the program writes).
    public static let environmentVariable = "COLLATE_SESSIONS_DIR"

    public let sessionsDirectory: URL
    public let name: String

    /// `name` must be a plain folder name: letters, digits, `.`, `_`, `-`, not starting with `.`.
    public init(name: String, sessionsDirectory: URL) throws(SessionError) {
        let allowed = name.unicodeScalars.allSatisfy {
            ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "._-".unicodeScalars.contains($0)) && $0.isASCII
        }
        guard !name.isEmpty, allowed, !name.hasPrefix(".") else {
            throw .invalidName(name)
        }
        self.name = name
        self.sessionsDirectory = sessionsDirectory.standardizedFileURL
    }

    /// `--sessions-dir` if given, else $COLLATE_SESSIONS_DIR, else ./sessions. Relative paths
    /// are taken from `currentDirectory`.
    public static func sessionsDirectory(
        option: String?, environment: [String: String], currentDirectory: URL
    ) -> URL {
        let chosen = option ?? environment[environmentVariable].flatMap { $0.isEmpty ? nil : $0 } ?? "sessions"
        if chosen.hasPrefix("/") { return URL(fileURLWithPath: chosen).standardizedFileURL }
        return currentDirectory.appendingPathComponent(chosen).standardizedFileURL
    }

    public var folder: URL { sessionsDirectory.appendingPathComponent(name, isDirectory: true) }
    public var manifest: URL { folder.appendingPathComponent("session.toml") }
    public var store: URL { folder.appendingPathComponent("state.sqlite") }
    /// M_IFT as an HF directory.
    public var mift: URL { folder.appendingPathComponent("mift", isDirectory: true) }
    /// One PEFT directory per provider adapter.
    public var adapters: URL { folder.appendingPathComponent("adapters", isDirectory: true) }
    public var exports: URL { folder.appendingPathComponent("exports", isDirectory: true) }
    public var checkpoints: URL { folder.appendingPathComponent("checkpoints", isDirectory: true) }

    /// A path from the manifest: absolute as written, else relative to the session folder.
    public func resolve(_ manifestPath: String) -> URL {
        manifestPath.hasPrefix("/")
            ? URL(fileURLWithPath: manifestPath).standardizedFileURL
            : folder.appendingPathComponent(manifestPath).standardizedFileURL
    }
}

/// Errors about a session as a whole (its name, its folder, its files).
public enum SessionError: Error, Equatable, CustomStringConvertible {
    case invalidName(String)
    case notFound(path: String)
    case io(path: String, reason: String)
    /// `[templates] chat = true` and the model's chat format cannot be had.
    case chatFormat(manifest: String, reason: String)

    public var description: String {
        switch self {
        case .invalidName(let name):
            "invalid session name \"\(name)\": use letters, digits, '.', '_' and '-', not starting with '.'"
        case .notFound(let path):
            "no session at \(path) (create it with `collate init`)"
        case .io(let path, let reason):
            "\(path): \(reason)"
        case .chatFormat(let manifest, let reason):
            "\(manifest): [templates] chat = true, but \(reason)"
        }
    }
}
