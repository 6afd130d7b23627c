import Foundation

/// Why a text file (a manifest, a theme, a keys file) could not be read, in words that name
/// the file and, for bad bytes, the line: Foundation says "isn't in the correct format" for
/// invalid UTF-8 and "NSCocoaErrorDomain error 256" for a directory.
public struct TextFileError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Problem: Equatable, Sendable {
        case missing
        /// A symbolic link whose target does not exist.
        case danglingLink(target: String)
        case directory
        /// The first invalid byte: its 1-based line and byte offset within the line.
        case invalidUTF8(line: Int, byte: Int)
        case unreadable(String)
    }

    public var path: String
    public var problem: Problem

    /// The 1-based line, for errors that have one.
    public var line: Int? {
        if case .invalidUTF8(let line, _) = problem { return line }
        return nil
    }

    /// What is wrong, without the path (for messages that name the file themselves).
    public var reason: String {
        switch problem {
        case .missing: "no such file"
        case .danglingLink(let target): "a symbolic link to \(target), which does not exist"
        case .directory: "a directory, not a file"
        case .invalidUTF8(_, let byte): "not valid UTF-8 (byte \(byte) of the line)"
        case .unreadable(let reason): "cannot read: \(reason)"
        }
    }

    public var description: String { path + (line.map { ":\($0)" } ?? "") + ": " + reason }
}

public enum TextFile {
    /// The file's text, which must be UTF-8.
    public static func read(_ url: URL) throws(TextFileError) -> String {
        let path = url.path
        if let problem = pathProblem(url) { throw TextFileError(path: path, problem: problem) }
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw TextFileError(path: path, problem: .unreadable((error as NSError).localizedFailureReason
                ?? error.localizedDescription))
        }
        if let text = String(validating: data, as: UTF8.self) { return text }
        let (line, byte) = firstInvalidUTF8(data)
        throw TextFileError(path: path, problem: .invalidUTF8(line: line, byte: byte))
    }

    /// What is wrong with `url` as a place for a file (nil: nothing, or it does not matter).
    public static func pathProblem(_ url: URL) -> TextFileError.Problem? {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        if manager.fileExists(atPath: url.path, isDirectory: &isDirectory) {
            return isDirectory.boolValue ? .directory : nil
        }
        if let target = try? manager.destinationOfSymbolicLink(atPath: url.path) { return .danglingLink(target: target) }
        return .missing
    }

    /// Line and byte (both 1-based) of the first byte that is not part of valid UTF-8.
    static func firstInvalidUTF8(_ data: Data) -> (line: Int, byte: Int) {
        let bytes = [UInt8](data)
        var line = 1, lineStart = 0, index = 0
        while index < bytes.count {
            let lead = bytes[index]
            let length = lead < 0x80 ? 1 : lead >> 5 == 0b110 ? 2 : lead >> 4 == 0b1110 ? 3 : lead >> 3 == 0b11110 ? 4 : 0
            let end = index + length
            if length == 0 || end > bytes.count
                || String(validating: bytes[index..<end], as: UTF8.self) == nil {
                return (line, index - lineStart + 1)
            }
            if lead == UInt8(ascii: "\n") { line += 1; lineStart = end }
            index = end
        }
        return (line, index - lineStart + 1)
    }
}
