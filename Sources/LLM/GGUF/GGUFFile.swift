import Foundation

/// A memory-mapped, validated GGUF file. Tensor bytes stay in the mapping; `floats`
/// dequantizes one tensor. Typed accessors read metadata with errors naming the key.
public final class GGUFFile: Sendable {
    public let path: String
    public let header: GGUFHeader
    private let mapping: MappedFile
    private let values: [String: GGUFValue]
    private let index: [String: GGUFTensorInfo]

    public init(url: URL) throws(GGUFError) {
        path = url.path
        do { mapping = try MappedFile(path: path) } catch {
            guard case .ioFailure(_, let reason) = error else { throw .ioFailure(file: path, reason: "\(error)") }
            throw .ioFailure(file: path, reason: reason)
        }
        header = try GGUFHeader.parse(file: mapping.bytes, path: path)
        values = Dictionary(header.metadata.map { ($0.key, $0.value) }, uniquingKeysWith: { first, _ in first })
        index = Dictionary(header.tensors.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Whether `url` names a GGUF file by its extension (how commands tell it from a directory).
    public static func isGGUF(_ url: URL) -> Bool { url.pathExtension.lowercased() == "gguf" }

    public var tensorNames: [String] { header.tensors.map(\.name) }

    public func contains(_ name: String) -> Bool { index[name] != nil }

    public func info(_ name: String) throws(GGUFError) -> GGUFTensorInfo {
        guard let info = index[name] else { throw .tensorNotFound(file: path, tensor: name) }
        return info
    }

    /// The tensor's bytes inside the mapping, valid while this object lives.
    public func rawBytes(_ name: String) throws(GGUFError) -> UnsafeRawBufferPointer {
        let info = try info(name)
        let start = header.dataStart + info.offset
        return UnsafeRawBufferPointer(rebasing: mapping.bytes[start..<start + info.byteCount])
    }

    /// The tensor dequantized to Float, row-major in `info.shape` order.
    public func floats(_ name: String) throws(GGUFError) -> [Float] {
        let info = try info(name)
        guard let values = GGUFDequantizer.floats(info.type, bytes: try rawBytes(name), count: info.elementCount) else {
            throw .unsupportedTensorType(file: path, tensor: name, type: info.type.name)
        }
        return values
    }

    // MARK: Metadata

    public func value(_ key: String) -> GGUFValue? { values[key] }

    public func has(_ key: String) -> Bool { values[key] != nil }

    private func wrongType(_ key: String, _ expected: String, _ value: GGUFValue) -> GGUFError {
        .wrongKeyType(file: path, key: key, expected: expected, found: value.typeDescription)
    }

    public func string(_ key: String) throws(GGUFError) -> String {
        guard let value = values[key] else { throw .missingKey(file: path, key: key) }
        guard let text = value.stringValue else { throw wrongType(key, "a string", value) }
        return text
    }

    public func optionalString(_ key: String) throws(GGUFError) -> String? {
        guard has(key) else { return nil }
        return try string(key)
    }

    public func int(_ key: String) throws(GGUFError) -> Int {
        guard let value = values[key] else { throw .missingKey(file: path, key: key) }
        guard let number = value.intValue else { throw wrongType(key, "an integer", value) }
        return number
    }

    public func optionalInt(_ key: String) throws(GGUFError) -> Int? {
        guard has(key) else { return nil }
        return try int(key)
    }

    public func optionalDouble(_ key: String) throws(GGUFError) -> Double? {
        guard let value = values[key] else { return nil }
        guard let number = value.doubleValue else { throw wrongType(key, "a number", value) }
        return number
    }

    public func optionalBool(_ key: String) throws(GGUFError) -> Bool? {
        guard let value = values[key] else { return nil }
        guard let flag = value.boolValue else { throw wrongType(key, "a bool", value) }
        return flag
    }

    public func strings(_ key: String) throws(GGUFError) -> [String] {
        guard let value = values[key] else { throw .missingKey(file: path, key: key) }
        guard case .array(.string, let items) = value else { throw wrongType(key, "an array of string", value) }
        return items.compactMap(\.stringValue)
    }

    public func optionalInts(_ key: String) throws(GGUFError) -> [Int]? {
        guard let value = values[key] else { return nil }
        guard let items = value.arrayValue else { throw wrongType(key, "an array of integers", value) }
        var numbers: [Int] = []
        numbers.reserveCapacity(items.count)
        for item in items {
            guard let number = item.intValue else { throw wrongType(key, "an array of integers", value) }
            numbers.append(number)
        }
        return numbers
    }
}
