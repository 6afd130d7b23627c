import Foundation

/// The complete optimiser state: the step count and both moments of every parameter that
/// has been updated. Restoring it continues training bit-for-bit.
///
/// Two exact forms: a `[String: [Float]]` dictionary (`"<name>.exp_avg"`,
/// `"<name>.exp_avg_sq"`, PyTorch's names; the step is kept beside it) and a little-endian
/// binary blob (`serialized()` / `init(serialized:)`).
public struct AdamWState: Sendable, Equatable {
    public var stepCount: Int
    public var tensors: [String: [Float]]

    public init(stepCount: Int, tensors: [String: [Float]]) {
        self.stepCount = stepCount
        self.tensors = tensors
    }

    public enum DecodingError: Error, Equatable, CustomStringConvertible {
        case badMagic
        case truncated(field: String, offset: Int)
        case badName(offset: Int)

        public var description: String {
            switch self {
            case .badMagic: return "AdamW state: not an AdamW state blob (bad magic)"
            case let .truncated(field, offset): return "AdamW state: truncated while reading \(field) at byte \(offset)"
            case let .badName(offset): return "AdamW state: tensor name at byte \(offset) is not UTF-8"
            }
        }
    }

    static let magic = Array("COLLATE-ADAMW-1\n".utf8)

    /// magic, UInt64 step, UInt64 entry count, then per entry sorted by name: UInt64 name
    /// length, name bytes, UInt64 element count, Float32 bit patterns; all little-endian.
    public func serialized() -> [UInt8] {
        var bytes = AdamWState.magic
        func append(_ x: UInt64) { withUnsafeBytes(of: x.littleEndian) { bytes.append(contentsOf: $0) } }
        append(UInt64(stepCount))
        append(UInt64(tensors.count))
        for name in tensors.keys.sorted() {
            let utf8 = Array(name.utf8), values = tensors[name]!
            append(UInt64(utf8.count))
            bytes.append(contentsOf: utf8)
            append(UInt64(values.count))
            bytes.reserveCapacity(bytes.count + 4 * values.count)
            for v in values { withUnsafeBytes(of: v.bitPattern.littleEndian) { bytes.append(contentsOf: $0) } }
        }
        return bytes
    }

    public init(serialized bytes: [UInt8]) throws {
        guard bytes.starts(with: AdamWState.magic) else { throw DecodingError.badMagic }
        var offset = AdamWState.magic.count
        func readWord(_ field: String) throws -> UInt64 {
            guard offset + 8 <= bytes.count else { throw DecodingError.truncated(field: field, offset: offset) }
            var x: UInt64 = 0
            for i in 0..<8 { x |= UInt64(bytes[offset + i]) << (8 * UInt64(i)) }
            offset += 8
            return x
        }
        func readCount(_ field: String, elementSize: Int) throws -> Int {
            let n = try readWord(field)
            guard n <= UInt64(bytes.count - offset) / UInt64(elementSize) else {
                throw DecodingError.truncated(field: field, offset: offset)
            }
            return Int(n)
        }
        stepCount = Int(try readWord("step"))
        let entries = try readCount("entry count", elementSize: 16)
        tensors = [:]
        for _ in 0..<entries {
            let nameLength = try readCount("name length", elementSize: 1)
            guard let name = String(validating: bytes[offset..<(offset + nameLength)], as: UTF8.self) else {
                throw DecodingError.badName(offset: offset)
            }
            offset += nameLength
            let n = try readCount("values of \(name)", elementSize: 4)
            var values = [Float](repeating: 0, count: n)
            for i in 0..<n {
                let o = offset + 4 * i
                let bits = UInt32(bytes[o]) | UInt32(bytes[o + 1]) << 8 | UInt32(bytes[o + 2]) << 16 | UInt32(bytes[o + 3]) << 24
                values[i] = Float(bitPattern: bits)
            }
            offset += 4 * n
            tensors[name] = values
        }
    }
}

extension AdamW {
    /// A snapshot of the optimiser state.
    public var state: AdamWState {
        var tensors: [String: [Float]] = [:]
        for (key, m) in firstMoments { tensors[key + ".exp_avg"] = m.scalars }
        for (key, v) in secondMoments { tensors[key + ".exp_avg_sq"] = v.scalars }
        return AdamWState(stepCount: stepCount, tensors: tensors)
    }

    /// Replaces the state with `state`. Throws when a moment names no parameter or has the
    /// wrong element count.
    public func restore(_ state: AdamWState) throws {
        var shapes: [String: [Int]] = [:]
        for (key, p) in zip(keys, parameters) { shapes[key] = p.value.shape }
        var first: [String: Tensor] = [:], second: [String: Tensor] = [:]
        for (name, values) in state.tensors {
            let isFirst = name.hasSuffix(".exp_avg")
            let suffix = isFirst ? ".exp_avg" : ".exp_avg_sq"
            guard isFirst || name.hasSuffix(suffix) else { throw AdamWRestoreError.unknownEntry(name) }
            let key = String(name.dropLast(suffix.count))
            guard let shape = shapes[key] else { throw AdamWRestoreError.unknownEntry(name) }
            guard Tensor.elementCount(shape) == values.count else {
                throw AdamWRestoreError.wrongCount(name: name, expected: Tensor.elementCount(shape), found: values.count)
            }
            if isFirst { first[key] = Tensor(values, shape: shape) } else { second[key] = Tensor(values, shape: shape) }
        }
        firstMoments = first
        secondMoments = second
        stepCount = state.stepCount
    }
}

public enum AdamWRestoreError: Error, Equatable, CustomStringConvertible {
    case unknownEntry(String)
    case wrongCount(name: String, expected: Int, found: Int)

    public var description: String {
        switch self {
        case let .unknownEntry(name): return "AdamW restore: entry '\(name)' names no parameter"
        case let .wrongCount(name, expected, found): return "AdamW restore: '\(name)' has \(found) values, parameter has \(expected)"
        }
    }
}
