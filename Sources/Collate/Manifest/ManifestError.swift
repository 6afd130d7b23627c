/// A manifest that cannot be used, with the key path and the line where it is found.
public struct ManifestError: Error, Equatable, CustomStringConvertible {
    public enum Kind: Equatable, Sendable {
        /// Not valid TOML (message from the parser).
        case syntax(String)
        case unknownKey
        case wrongType(expected: String, found: String)
        case invalidValue(String)
        case missingKey
        /// The file could not be read.
        case unreadable(String)
    }

    public let file: String
    /// Dotted path such as `dpo.beta`; nil for syntax errors and unreadable files.
    public let keyPath: String?
    /// 1-based line in the file, when it can be found.
    public let line: Int?
    public let kind: Kind

    public init(file: String, keyPath: String?, line: Int?, kind: Kind) {
        self.file = file
        self.keyPath = keyPath
        self.line = line
        self.kind = kind
    }

    public var description: String {
        var location = file
        if let line { location += ":\(line)" }
        let key = keyPath.map { "'\($0)'" } ?? ""
        switch kind {
        case .syntax(let message): return "\(location): invalid TOML: \(message)"
        case .unknownKey: return "\(location): unknown key \(key)"
        case .wrongType(let expected, let found): return "\(location): \(key) must be \(expected), found \(found)"
        case .invalidValue(let reason): return "\(location): \(key) \(reason)"
        case .missingKey: return "\(location): missing key \(key)"
        case .unreadable(let reason): return "\(location): cannot read the manifest: \(reason)"
        }
    }
}
