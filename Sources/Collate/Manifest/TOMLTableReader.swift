import TOMLKit

/// Reads one TOML table with typed getters, remembering which keys were read so that
/// `finish()` can report the first unknown one. Every error names the full key path and the
/// line where the key is written.
final class TOMLTableReader {
    private let table: TOMLTable
    private let path: [String]
    private let context: Context
    private var readKeys: Set<String> = []

    struct Context {
        let file: String
        let locator: KeyLineLocator
    }

    init(table: TOMLTable, path: [String], context: Context) {
        self.table = table
        self.path = path
        self.context = context
    }

    func keyPath(_ key: String) -> String { (path + [key]).joined(separator: ".") }

    func error(_ key: String, _ kind: ManifestError.Kind) -> ManifestError {
        let keyPath = keyPath(key)
        return ManifestError(file: context.file, keyPath: keyPath, line: context.locator.line(of: keyPath), kind: kind)
    }

    func contains(_ key: String) -> Bool { table.contains(key: key) }

    /// The raw value, marking the key as read.
    private func value(_ key: String) -> TOMLValueConvertible? {
        readKeys.insert(key)
        return table[key]
    }

    private func wrongType(_ key: String, expected: String, found value: TOMLValueConvertible) -> ManifestError {
        error(key, .wrongType(expected: expected, found: Self.describe(value)))
    }

    func optionalString(_ key: String) throws(ManifestError) -> String? {
        guard let value = value(key) else { return nil }
        guard let string = value.string else { throw wrongType(key, expected: "a string", found: value) }
        return string
    }

    func string(_ key: String, default fallback: String) throws(ManifestError) -> String {
        try optionalString(key) ?? fallback
    }

    func requiredString(_ key: String) throws(ManifestError) -> String {
        guard let string = try optionalString(key) else { throw error(key, .missingKey) }
        return string
    }

    /// A string that must be one of an enum's raw values.
    func choice<T: RawRepresentable & CaseIterable>(_ key: String, default fallback: T) throws(ManifestError) -> T
    where T.RawValue == String {
        guard let raw = try optionalString(key) else { return fallback }
        guard let parsed = T(rawValue: raw) else {
            let allowed = T.allCases.map(\.rawValue).joined(separator: ", ")
            throw error(key, .invalidValue("must be one of \(allowed), found \"\(raw)\""))
        }
        return parsed
    }

    func optionalInt(_ key: String, in range: ClosedRange<Int>) throws(ManifestError) -> Int? {
        guard let value = value(key) else { return nil }
        guard let int = value.int else { throw wrongType(key, expected: "an integer", found: value) }
        guard range.contains(int) else { throw error(key, .invalidValue(Self.outOfRange(int, range))) }
        return int
    }

    func int(_ key: String, default fallback: Int, in range: ClosedRange<Int>) throws(ManifestError) -> Int {
        try optionalInt(key, in: range) ?? fallback
    }

    func seed(_ key: String, default fallback: UInt64) throws(ManifestError) -> UInt64 {
        guard let int = try optionalInt(key, in: 0...Int.max) else { return fallback }
        return UInt64(int)
    }

    /// A number; TOML integers are accepted (`beta = 1`). `check` returns the reason a value
    /// is not allowed, or nil.
    func optionalDouble(_ key: String, check: (Double) -> String? = { _ in nil }) throws(ManifestError) -> Double? {
        guard let value = value(key) else { return nil }
        let number: Double
        if let double = value.double { number = double }
        else if let int = value.int { number = Double(int) }
        else { throw wrongType(key, expected: "a number", found: value) }
        guard number.isFinite else { throw error(key, .invalidValue("must be a finite number, found \(number)")) }
        if let reason = check(number) { throw error(key, .invalidValue(reason)) }
        return number
    }

    func double(_ key: String, default fallback: Double, check: (Double) -> String? = { _ in nil }) throws(ManifestError) -> Double {
        try optionalDouble(key, check: check) ?? fallback
    }

    func bool(_ key: String, default fallback: Bool) throws(ManifestError) -> Bool {
        guard let value = value(key) else { return fallback }
        guard let bool = value.bool else { throw wrongType(key, expected: "true or false", found: value) }
        return bool
    }

    func optionalStringArray(_ key: String) throws(ManifestError) -> [String]? {
        guard let value = value(key) else { return nil }
        guard let array = value.array else { throw wrongType(key, expected: "a list of strings", found: value) }
        var strings: [String] = []
        for element in array {
            guard let string = element.string else {
                throw wrongType(key, expected: "a list of strings", found: element)
            }
            strings.append(string)
        }
        return strings
    }

    /// A sub-table; an absent one reads as empty (every key takes its default).
    func table(_ key: String) throws(ManifestError) -> TOMLTableReader {
        guard let value = value(key) else {
            return TOMLTableReader(table: TOMLTable(), path: path + [key], context: context)
        }
        guard let subtable = value.table else { throw wrongType(key, expected: "a table", found: value) }
        return TOMLTableReader(table: subtable, path: path + [key], context: context)
    }

    /// Throws for the first key (in file order) that no getter asked for.
    func finish() throws(ManifestError) {
        let unknown = table.keys.filter { !readKeys.contains($0) }
        let errors = unknown.map { error($0, .unknownKey) }
        if let first = errors.min(by: { ($0.line ?? .max, $0.keyPath ?? "") < ($1.line ?? .max, $1.keyPath ?? "") }) {
            throw first
        }
    }

    static func outOfRange(_ value: Int, _ range: ClosedRange<Int>) -> String {
        range.upperBound == .max
            ? "must be at least \(range.lowerBound), found \(value)"
            : "must be between \(range.lowerBound) and \(range.upperBound), found \(value)"
    }

    static func describe(_ value: TOMLValueConvertible) -> String {
        switch value.type {
        case .string: "a string"
        case .int: "an integer"
        case .double: "a number"
        case .bool: "a boolean"
        case .array: "a list"
        case .table: "a table"
        case .date, .time, .dateTime: "a date/time"
        }
    }
}
