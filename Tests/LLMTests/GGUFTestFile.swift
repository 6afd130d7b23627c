import Foundation
import TensorCore
@testable import LLM
import TestSupport

/// Writes GGUF bytes by hand for tests: any metadata (every value type, nested arrays) and
/// tensors with raw data. Offsets are laid out as the format says (each tensor padded to the
/// alignment) unless a test overrides one to make the file wrong.
struct GGUFTestFile {
    struct TensorEntry {
        var name: String
        var type: UInt32
        var dimensions: [UInt64]
        var data: [UInt8]
        var offset: UInt64?
    }

    var version: UInt32 = 3
    var metadata: [(key: String, value: GGUFValue)] = []
    var tensors: [TensorEntry] = []
    /// The alignment used for the layout (set `general.alignment` in metadata to declare it).
    var alignment = 32
    /// Bytes cut from the end of the file (a truncated download).
    var truncateBy = 0

    mutating func add(_ key: String, _ value: GGUFValue) { metadata.append((key, value)) }

    mutating func addTensor(_ name: String, _ type: GGMLType, dimensions: [Int], data: [UInt8], offset: UInt64? = nil) {
        tensors.append(TensorEntry(name: name, type: type.rawValue, dimensions: dimensions.map(UInt64.init), data: data, offset: offset))
    }

    /// A float tensor stored as F32 (shape in PyTorch order, reversed to ggml's here).
    mutating func addF32(_ name: String, shape: [Int], _ values: [Float]) {
        addTensor(name, .f32, dimensions: shape.reversed(), data: values.flatMap { withUnsafeBytes(of: $0.bitPattern.littleEndian, Array.init) })
    }

    var bytes: [UInt8] {
        var out: [UInt8] = Array("GGUF".utf8)
        out += le(version)
        out += le(UInt64(tensors.count))
        out += le(UInt64(metadata.count))
        for (key, value) in metadata {
            out += Self.string(key)
            out += le(value.type.rawValue)
            out += Self.encode(value)
        }
        var offsets: [UInt64] = []
        var cursor: UInt64 = 0
        for tensor in tensors {
            // An overridden offset (a test making the file wrong) does not grow the data section.
            let offset = tensor.offset ?? cursor
            offsets.append(offset)
            if tensor.offset == nil { cursor = Self.padded(offset + UInt64(tensor.data.count), alignment) }
        }
        for (tensor, offset) in zip(tensors, offsets) {
            out += Self.string(tensor.name)
            out += le(UInt32(tensor.dimensions.count))
            for dimension in tensor.dimensions { out += le(dimension) }
            out += le(tensor.type)
            out += le(offset)
        }
        out += [UInt8](repeating: 0, count: Int(Self.padded(UInt64(out.count), alignment)) - out.count)
        var data = [UInt8](repeating: 0, count: Int(cursor))
        for (tensor, offset) in zip(tensors, offsets) where offset <= UInt64(data.count) && Int(offset) + tensor.data.count <= data.count {
            data.replaceSubrange(Int(offset)..<Int(offset) + tensor.data.count, with: tensor.data)
        }
        out += data
        return Array(out.dropLast(truncateBy))
    }

    static func padded(_ value: UInt64, _ alignment: Int) -> UInt64 {
        let a = UInt64(alignment)
        return (value + a - 1) / a * a
    }

    static func string(_ text: String) -> [UInt8] { le(UInt64(text.utf8.count)) + Array(text.utf8) }

    static func encode(_ value: GGUFValue) -> [UInt8] {
        switch value {
        case .uint8(let v): [v]
        case .int8(let v): [UInt8(bitPattern: v)]
        case .uint16(let v): le(v)
        case .int16(let v): le(v)
        case .uint32(let v): le(v)
        case .int32(let v): le(v)
        case .uint64(let v): le(v)
        case .int64(let v): le(v)
        case .float32(let v): le(v.bitPattern)
        case .float64(let v): le(v.bitPattern)
        case .bool(let v): [v ? 1 : 0]
        case .string(let v): string(v)
        case .array(let element, let items): le(element.rawValue) + le(UInt64(items.count)) + items.flatMap(encode)
        }
    }

    func write(to directory: TemporaryDirectory, name: String = "model.gguf") -> URL {
        directory.file(name, bytes: bytes)
    }
}

func le<T: FixedWidthInteger>(_ value: T) -> [UInt8] { withUnsafeBytes(of: value.littleEndian, Array.init) }

func f16Bytes(_ value: Float) -> [UInt8] { le(HalfPrecision.f16(from: value)) }
