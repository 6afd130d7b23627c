import Foundation
import TensorCore

/// A tensor to be written: its values as floats (converted to `dtype` on write) or as raw
/// little-endian bytes already in `dtype`.
public struct SafetensorsTensor: Sendable {
    public enum Values: Sendable {
        case floats([Float])
        case bytes([UInt8])
    }

    public var name: String
    public var dtype: SafetensorsDType
    public var shape: [Int]
    public var values: Values

    public init(name: String, dtype: SafetensorsDType, shape: [Int], floats: [Float]) {
        self.init(name: name, dtype: dtype, shape: shape, values: .floats(floats))
    }

    public init(name: String, dtype: SafetensorsDType, shape: [Int], values: Values) {
        self.name = name
        self.dtype = dtype
        self.shape = shape
        self.values = values
    }
}

/// Writes safetensors files as the reference writer does: header padded with spaces to a
/// multiple of 8 (so the data buffer is 8-byte aligned), tensors sorted by name and laid out
/// end to end, optional string `__metadata__`. The file appears atomically: it is written
/// to a temporary file in the same directory and renamed over the destination.
public enum SafetensorsWriter {
    public static func write(
        _ tensors: [SafetensorsTensor], metadata: [String: String]? = nil, to url: URL
    ) throws(SafetensorsError) {
        let path = url.path
        let sorted = tensors.sorted { $0.name < $1.name }
        var names = Set<String>()
        var entries: [(key: String, value: JSONValue)] = []
        if let metadata {
            let object = JSONObject(metadata.sorted { $0.key < $1.key }.map { ($0.key, JSONValue.string($0.value)) })
            entries.append(("__metadata__", .object(object)))
        }
        var offset = 0
        for tensor in sorted {
            guard tensor.name != "__metadata__" else {
                throw .invalidTensorToWrite(file: path, tensor: tensor.name, reason: "the name is reserved")
            }
            guard names.insert(tensor.name).inserted else { throw .duplicateTensorName(file: path, name: tensor.name) }
            let byteCount = try checkedByteCount(tensor, path: path)
            entries.append((tensor.name, .object(JSONObject([
                ("dtype", .string(tensor.dtype.rawValue)),
                ("shape", .array(tensor.shape.map { .int($0) })),
                ("data_offsets", .array([.int(offset), .int(offset + byteCount)])),
            ]))))
            offset += byteCount
        }
        var header = Array(JSONWriter.string(.object(JSONObject(entries))).utf8)
        header.append(contentsOf: repeatElement(UInt8(ascii: " "), count: (8 - header.count % 8) % 8))

        let directory = url.deletingLastPathComponent()
        let temporary = directory.appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
        do {
            guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
                throw SafetensorsError.ioFailure(file: path, reason: "cannot create \(temporary.path)")
            }
            let handle = try FileHandle(forWritingTo: temporary)
            defer { try? handle.close() }
            var length = UInt64(header.count).littleEndian
            try handle.write(contentsOf: Data(bytes: &length, count: 8))
            try handle.write(contentsOf: header)
            for tensor in sorted {
                try handle.write(contentsOf: encodedBytes(tensor))
            }
            try handle.synchronize()
            try handle.close()
            // POSIX rename replaces the destination atomically within one file system.
            guard rename(temporary.path, path) == 0 else {
                throw SafetensorsError.ioFailure(file: path, reason: "cannot rename \(temporary.path) into place")
            }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            if let error = error as? SafetensorsError { throw error }
            throw .ioFailure(file: path, reason: "write failed: \(error.localizedDescription)")
        }
    }

    private static func checkedByteCount(_ tensor: SafetensorsTensor, path: String) throws(SafetensorsError) -> Int {
        func invalid(_ reason: String) -> SafetensorsError {
            .invalidTensorToWrite(file: path, tensor: tensor.name, reason: reason)
        }
        guard tensor.shape.allSatisfy({ $0 >= 0 }) else { throw invalid("negative dimension in \(tensor.shape)") }
        let count = tensor.shape.reduce(1, *)
        switch tensor.values {
        case .floats(let floats):
            guard tensor.dtype.isFloatConvertible else {
                throw invalid("floats can be written as F32, F16 or BF16, not \(tensor.dtype.rawValue)")
            }
            guard floats.count == count else { throw invalid("\(floats.count) values for shape \(tensor.shape)") }
        case .bytes(let bytes):
            guard bytes.count == count * tensor.dtype.byteSize else {
                throw invalid("\(bytes.count) bytes for \(tensor.dtype.rawValue) \(tensor.shape)")
            }
        }
        return count * tensor.dtype.byteSize
    }

    private static func encodedBytes(_ tensor: SafetensorsTensor) -> [UInt8] {
        switch tensor.values {
        case .bytes(let bytes):
            return bytes
        case .floats(let floats):
            var out: [UInt8] = []
            out.reserveCapacity(floats.count * tensor.dtype.byteSize)
            switch tensor.dtype {
            case .f16:
                for value in floats { appendLittleEndian(HalfPrecision.f16(from: value), to: &out) }
            case .bf16:
                for value in floats { appendLittleEndian(HalfPrecision.bf16(from: value), to: &out) }
            default:
                for value in floats { appendLittleEndian(value.bitPattern, to: &out) }
            }
            return out
        }
    }

    private static func appendLittleEndian<T: FixedWidthInteger>(_ value: T, to out: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) }
    }
}
