/// A problem with one field of a JSON file: which file, which field (a dotted path such as
/// `rope_scaling.factor` or `model.merges[3]`), and what is wrong with it.
public struct JSONFieldError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Problem: Sendable, Equatable {
        case missing
        case wrongType(expected: String, found: String)
        case invalid(String)
    }

    public var file: String
    public var field: String
    public var problem: Problem

    public init(file: String, field: String, problem: Problem) {
        self.file = file
        self.field = field
        self.problem = problem
    }

    public var description: String {
        switch problem {
        case .missing: "\(file): missing field \"\(field)\""
        case .wrongType(let expected, let found): "\(file): field \"\(field)\" must be \(expected), found \(found)"
        case .invalid(let reason): "\(file): field \"\(field)\" \(reason)"
        }
    }
}

/// Typed access to the fields of one JSON object, with errors that name the file and the
/// field's full path. `null` counts as absent, as it does for Hugging Face's loaders.
public struct JSONFields: Sendable {
    public let object: JSONObject
    public let file: String
    /// Path of this object inside the file ("" at the top level).
    public let path: String

    public init(_ object: JSONObject, file: String, path: String = "") {
        self.object = object
        self.file = file
        self.path = path
    }

    public func fieldPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    public func error(_ key: String, _ problem: JSONFieldError.Problem) -> JSONFieldError {
        JSONFieldError(file: file, field: fieldPath(key), problem: problem)
    }

    public func has(_ key: String) -> Bool { value(key) != nil }

    /// The value, or nil when absent or null.
    public func value(_ key: String) -> JSONValue? {
        guard let value = object[key], !value.isNull else { return nil }
        return value
    }

    public func required(_ key: String) throws(JSONFieldError) -> JSONValue {
        guard let value = value(key) else { throw error(key, .missing) }
        return value
    }

    public func int(_ key: String) throws(JSONFieldError) -> Int {
        let value = try required(key)
        // Python writes some integers as 2.0; accept integral doubles.
        if let int = value.intValue { return int }
        if let double = value.doubleValue, double.rounded() == double, abs(double) < 1e15 { return Int(double) }
        throw error(key, .wrongType(expected: "an integer", found: value.kindName))
    }

    public func optionalInt(_ key: String) throws(JSONFieldError) -> Int? {
        has(key) ? try int(key) : nil
    }

    public func double(_ key: String) throws(JSONFieldError) -> Double {
        let value = try required(key)
        guard let double = value.doubleValue else { throw error(key, .wrongType(expected: "a number", found: value.kindName)) }
        return double
    }

    public func optionalDouble(_ key: String) throws(JSONFieldError) -> Double? {
        has(key) ? try double(key) : nil
    }

    public func bool(_ key: String) throws(JSONFieldError) -> Bool {
        let value = try required(key)
        guard let bool = value.boolValue else { throw error(key, .wrongType(expected: "true or false", found: value.kindName)) }
        return bool
    }

    public func optionalBool(_ key: String) throws(JSONFieldError) -> Bool? {
        has(key) ? try bool(key) : nil
    }

    public func string(_ key: String) throws(JSONFieldError) -> String {
        let value = try required(key)
        guard let string = value.stringValue else { throw error(key, .wrongType(expected: "a string", found: value.kindName)) }
        return string
    }

    public func optionalString(_ key: String) throws(JSONFieldError) -> String? {
        has(key) ? try string(key) : nil
    }

    public func array(_ key: String) throws(JSONFieldError) -> [JSONValue] {
        let value = try required(key)
        guard let array = value.arrayValue else { throw error(key, .wrongType(expected: "an array", found: value.kindName)) }
        return array
    }

    public func fields(_ key: String) throws(JSONFieldError) -> JSONFields {
        let value = try required(key)
        guard let object = value.objectValue else { throw error(key, .wrongType(expected: "an object", found: value.kindName)) }
        return JSONFields(object, file: file, path: fieldPath(key))
    }

    public func optionalFields(_ key: String) throws(JSONFieldError) -> JSONFields? {
        has(key) ? try fields(key) : nil
    }
}
