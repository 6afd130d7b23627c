import Foundation

/// A fresh directory under the system temp dir for one test: removed by `remove()`, or at the
/// latest when the last reference goes away. The one helper of every test target.
public final class TemporaryDirectory: Sendable {
    public let url: URL

    public init() throws {
        url = FileManager.default.temporaryDirectory
            .appendingPathComponent("collate-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit { remove() }

    public func remove() {
        try? FileManager.default.removeItem(at: url)
    }

    /// Writes `text` to `name` (subdirectories created) and returns the file's URL.
    public func write(_ text: String, to name: String) throws -> URL {
        let file = url.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(text.utf8).write(to: file)
        return file
    }

    /// Writes `bytes` to `name` inside the directory and returns its URL.
    public func file(_ name: String, bytes: [UInt8]) -> URL {
        let file = url.appendingPathComponent(name)
        _ = FileManager.default.createFile(atPath: file.path, contents: Data(bytes))
        return file
    }

    public func file(_ name: String, text: String) -> URL {
        file(name, bytes: Array(text.utf8))
    }
}
