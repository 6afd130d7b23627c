/// One task example as read from a data file, before it has a split or an id.
public struct TaskExample: Sendable, Equatable {
    /// The most UTF-8 bytes a question, rationale, answer or option may hold: a field beyond
    /// it is a bad line (a 10 MB question imported and then froze the workbench).
    public static let maxFieldBytes = 32 * 1024

    public var instruction: String
    public var goldRationale: String?
    public var goldAnswer: String
    /// Multiple choice: the options, one of which is `goldAnswer`.
    public var options: [String]?
    /// 1-based line in its file.
    public var line: Int
    /// FNV-1a 64 of the raw line, hex: tells a re-import whether the line changed.
    public var sourceHash: String
}

/// A line that could not be imported.
public struct BadLine: Sendable, Equatable, CustomStringConvertible {
    public let file: String
    public let line: Int
    public let reason: String

    public var description: String { "\(file):\(line): \(reason)" }
}

public enum TaskDataError: Error, Equatable, CustomStringConvertible {
    case unreadable(file: String, reason: String)
    /// Strict import: every bad line, in file order.
    case badLines([BadLine])
    /// An imported line has different content now: the file changed under the session.
    case changedSince(file: String, line: Int)
    case splits(String)
    /// Questions asked by more than one line; nothing imported.
    case duplicates([DuplicateQuestion])

    public var description: String {
        switch self {
        case .unreadable(let file, let reason):
            return "\(file): cannot read: \(reason)"
        case .badLines(let lines):
            let shown = lines.prefix(10).map(\.description).joined(separator: "\n")
            let more = lines.count > 10 ? "\n... and \(lines.count - 10) more" : ""
            return "\(lines.count) bad line(s), nothing imported:\n\(shown)\(more)"
        case .changedSince(let file, let line):
            return "\(file):\(line) differs from the line imported before: the file changed since the "
                + "session imported it (start a new session, or restore the file)"
        case .splits(let reason):
            return "cannot form the splits: \(reason)"
        case .duplicates(let groups):
            let shown = groups.prefix(10).map(\.description).joined(separator: "\n")
            let more = groups.count > 10 ? "\n... and \(groups.count - 10) more" : ""
            let crossing = groups.filter(\.crossesSplits).count
            return "\(groups.count) question(s) appear more than once"
                + (crossing > 0 ? " (\(crossing) in more than one split)" : "")
                + ", nothing imported (collate import --allow-duplicates keeps them):\n\(shown)\(more)"
        }
    }
}

/// FNV-1a, 64 bits: a stable fingerprint (not a security hash) for change detection.
enum FNV1a {
    static func hex<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01B3
        }
        let digits = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
