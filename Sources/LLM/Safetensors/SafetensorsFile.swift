import Foundation
import TensorCore

/// A memory-mapped, validated safetensors file. Tensor bytes stay in the mapping: `floats`
/// copies (and widens) one tensor, `withRawBytes` hands out the mapped bytes so 16-bit
/// weights can stay 16-bit. Data is little-endian, as are the hosts we run on (x86-64, arm64).
public final class SafetensorsFile: Sendable {
    public let path: String
    public let header: SafetensorsHeader
    private let mapping: MappedFile
    private let index: [String: SafetensorsTensorInfo]

    /// Opens and validates `url`. Pickle checkpoints (`.bin`, `.pt`, ...) are refused by name
    /// and by content, before any byte of them is interpreted.
    public init(url: URL) throws(SafetensorsError) {
        path = url.path
        if PickleCheckpoint.hasPickleExtension(url) { throw .pickleCheckpointRefused(file: path) }
        mapping = try MappedFile(path: path)
        do {
            header = try SafetensorsHeader.parse(file: mapping.bytes, path: path)
        } catch {
            // Sniff only after a failed parse: a valid header length can begin with 0x80 0x02.
            if PickleCheckpoint.looksLikePickle(mapping.bytes) { throw .pickleCheckpointRefused(file: path) }
            throw error
        }
        index = Dictionary(header.tensors.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Tensor names, sorted.
    public var tensorNames: [String] { index.keys.sorted() }

    public var metadata: [String: String]? { header.metadata }

    public func contains(_ name: String) -> Bool { index[name] != nil }

    public func info(_ name: String) throws(SafetensorsError) -> SafetensorsTensorInfo {
        guard let info = index[name] else { throw .tensorNotFound(file: path, tensor: name) }
        return info
    }

    /// Calls `body` with the tensor's bytes inside the mapping (valid only during the call).
    public func withRawBytes<R>(
        _ name: String, _ body: (UnsafeRawBufferPointer) throws -> R
    ) throws -> R {
        try body(try rawBytes(name))
    }

    /// The tensor's bytes inside the mapping. Valid for as long as this object is alive: keep
    /// a reference to the `SafetensorsFile` next to any stored pointer.
    public func rawBytes(_ name: String) throws(SafetensorsError) -> UnsafeRawBufferPointer {
        let info = try info(name)
        let start = header.dataStart + info.dataRange.lowerBound
        return UnsafeRawBufferPointer(rebasing: mapping.bytes[start..<start + info.dataRange.count])
    }

    /// `rawBytes` of a tensor that is about to become weights: one holding a NaN or an
    /// infinity is refused naming it (poisoned weights loaded with exit 0 and gave null
    /// log-probs). The file format allows such values, so plain reads do not check; model
    /// and adapter loading read through this. The scan is one pass over bytes about to be
    /// read anyway.
    public func finiteBytes(_ name: String) throws(SafetensorsError) -> UnsafeRawBufferPointer {
        let info = try info(name)
        let bytes = try rawBytes(name)
        if let encoding = ScalarEncoding(rawValue: info.dtype.rawValue),
           let index = NonFiniteScan.firstIndex(in: bytes, encoding: encoding) {
            throw .nonFiniteValue(file: path, tensor: name, index: index)
        }
        return bytes
    }

    /// The raw 16-bit words of an F16 or BF16 tensor (copied out of the mapping).
    public func halfWords(_ name: String) throws(SafetensorsError) -> [UInt16] {
        let info = try info(name)
        guard info.dtype == .f16 || info.dtype == .bf16 else {
            throw .unsupportedDType(file: path, tensor: name, dtype: info.dtype.rawValue)
        }
        let bytes = try rawBytes(name)
        return (0..<info.elementCount).map {
            UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: 2 * $0, as: UInt16.self))
        }
    }

    /// The tensor widened to `Float` (row-major). F32, F16 and BF16 only.
    public func floats(_ name: String) throws(SafetensorsError) -> [Float] {
        let info = try info(name)
        let bytes = try rawBytes(name)
        let count = info.elementCount
        switch info.dtype {
        case .f32:
            return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
                if count > 0, let destination = buffer.baseAddress, let source = bytes.baseAddress {
                    // memcpy copes with the unaligned offsets the format allows.
                    UnsafeMutableRawPointer(destination).copyMemory(from: source, byteCount: 4 * count)
                }
                initialized = count
            }
        case .f16:
            return (0..<count).map {
                HalfPrecision.float(fromF16: UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: 2 * $0, as: UInt16.self)))
            }
        case .bf16:
            return (0..<count).map {
                HalfPrecision.float(fromBF16: UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: 2 * $0, as: UInt16.self)))
            }
        default:
            throw .unsupportedDType(file: path, tensor: name, dtype: info.dtype.rawValue)
        }
    }
}

/// Recognises PyTorch pickle checkpoints so they can be refused with a clear reason.
enum PickleCheckpoint {
    static let extensions: Set<String> = ["bin", "pt", "pth", "ckpt", "pkl", "pickle"]

    static func hasPickleExtension(_ url: URL) -> Bool {
        extensions.contains(url.pathExtension.lowercased())
    }

    /// A raw pickle starts with PROTO (0x80) and a protocol number; `torch.save` writes a zip
    /// archive ("PK\u{3}\u{4}") holding one.
    static func looksLikePickle(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard bytes.count >= 4 else { return false }
        if bytes[0] == 0x80, (2...5).contains(bytes[1]) { return true }
        return bytes[0] == 0x50 && bytes[1] == 0x4B && bytes[2] == 0x03 && bytes[3] == 0x04
    }
}
