/// Raw little-endian element encodings, as safetensors stores them (and ggml's 32-element
/// quantized blocks, for weights kept quantized in memory): F32, F16 and BF16 are
/// widened to Float32 on load and narrowed (round to nearest even) on save, through
/// `HalfPrecision`.
///
/// ```swift
/// let w = try Tensor(littleEndianBytes: rawBytes, encoding: .bfloat16, shape: [576, 576])
/// let bytes = w.littleEndianBytes(encoding: .bfloat16)
/// ```
///
/// The block formats (`.q8_0`, `.q4_0`, `.q4_1`, ggml's, see BlockQuantization.swift) hold 32
/// consecutive elements of a row per block; they are weight storage only (no safetensors
/// dtype), and a tensor in one needs a last dimension that is a multiple of 32.
public enum ScalarEncoding: String, Sendable, CaseIterable {
    case float32 = "F32", float16 = "F16", bfloat16 = "BF16"
    case q8_0 = "Q8_0", q4_0 = "Q4_0", q4_1 = "Q4_1"

    /// Bytes per element of a scalar encoding; for a block format, bytes per block (use
    /// `byteCount(elements:)` for sizes and offsets, which is right for both).
    public var byteWidth: Int {
        switch self {
        case .float32: 4
        case .float16, .bfloat16: 2
        case .q8_0, .q4_0, .q4_1: blockBytes
        }
    }

    /// True for the 32-element block formats.
    public var isBlockQuantized: Bool { blockSize > 1 }

    /// Elements per block: 32 for the block formats, 1 for scalars.
    public var blockSize: Int { self == .float32 || self == .float16 || self == .bfloat16 ? 1 : 32 }

    /// Bytes per block (ggml's block_q8_0 34, block_q4_0 18, block_q4_1 20), or per scalar.
    public var blockBytes: Int {
        switch self {
        case .float32: 4
        case .float16, .bfloat16: 2
        case .q8_0: 34
        case .q4_0: 18
        case .q4_1: 20
        }
    }

    /// Bytes of `elements` elements (a whole number of blocks for a block format; a partial
    /// block counts as a whole one).
    public func byteCount(elements: Int) -> Int {
        (elements + blockSize - 1) / blockSize * blockBytes
    }
}

public struct TensorDecodingError: Error, Equatable, CustomStringConvertible {
    public let shape: [Int]
    public let encoding: ScalarEncoding
    public let expectedBytes: Int
    public let foundBytes: Int

    public var description: String {
        "tensor of shape \(shape) in \(encoding.rawValue) needs \(expectedBytes) bytes, found \(foundBytes)"
    }
}

extension Tensor {
    /// Decodes `bytes` (exactly `count * byteWidth` of them) into a Float32 tensor.
    public init(littleEndianBytes bytes: UnsafeRawBufferPointer, encoding: ScalarEncoding,
                shape: [Int]) throws {
        let count = Tensor.elementCount(shape)
        let expected = encoding.byteCount(elements: count)
        guard bytes.count == expected, !encoding.isBlockQuantized || (shape.last ?? 1) % encoding.blockSize == 0 else {
            throw TensorDecodingError(shape: shape, encoding: encoding, expectedBytes: expected, foundBytes: bytes.count)
        }
        self.init(shape: shape) { out in
            switch encoding {
            case .q8_0, .q4_0, .q4_1:
                if let source = bytes.baseAddress, let target = out.baseAddress {
                    dequantizeBlocks(source, encoding: encoding, count: count, into: target)
                }
            case .float32:
                for i in 0..<count {
                    out[i] = Float(bitPattern: UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)))
                }
            case .bfloat16:
                for i in 0..<count {
                    let half = UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))
                    out[i] = HalfPrecision.float(fromBF16: half)
                }
            case .float16:
                for i in 0..<count {
                    let half = UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))
                    out[i] = HalfPrecision.float(fromF16: half)
                }
            }
        }
    }

    /// Decodes `bytes` like `init(littleEndianBytes:encoding:shape:)` and holds the result as
    /// `storage`: 16-bit words are copied as they are when `storage == encoding` (no
    /// rounding), otherwise converted (narrowing rounds to nearest even).
    public init(littleEndianBytes bytes: UnsafeRawBufferPointer, encoding: ScalarEncoding,
                shape: [Int], storage: ScalarEncoding) throws {
        if storage == encoding && encoding.isBlockQuantized {
            self = try Tensor(blocks: bytes, encoding: encoding, shape: shape)
        } else if storage == encoding && encoding != .float32 {
            let count = Tensor.elementCount(shape)
            guard bytes.count == count * 2 else {
                throw TensorDecodingError(shape: shape, encoding: encoding, expectedBytes: count * 2, foundBytes: bytes.count)
            }
            let words = (0..<count).map { UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: 2 * $0, as: UInt16.self)) }
            self = words.withUnsafeBufferPointer { Tensor(halfWords: $0, encoding: encoding, shape: shape) }
        } else {
            self = try Tensor(littleEndianBytes: bytes, encoding: encoding, shape: shape).stored(as: storage)
        }
    }

    /// The elements encoded little-endian; F16/BF16 round to nearest even (NaN stays NaN).
    /// A tensor stored in `encoding` gives its words unchanged.
    public func littleEndianBytes(encoding: ScalarEncoding) -> [UInt8] {
        if encoding.isBlockQuantized { return blockBytes(encoding: encoding) }
        var bytes = [UInt8](repeating: 0, count: count * encoding.byteWidth)
        if encoding != .float32 && encoding == storageEncoding {
            withUnsafeHalfWords { words in
                bytes.withUnsafeMutableBytes { dst in
                    for i in 0..<count { dst.storeBytes(of: words[i].littleEndian, toByteOffset: 2 * i, as: UInt16.self) }
                }
            }
            return bytes
        }
        withUnsafeBufferPointer { src in
            bytes.withUnsafeMutableBytes { dst in
                for i in 0..<src.count {
                    switch encoding {
                    case .float32:
                        dst.storeBytes(of: src[i].bitPattern.littleEndian, toByteOffset: 4 * i, as: UInt32.self)
                    case .bfloat16:
                        dst.storeBytes(of: HalfPrecision.bf16(from: src[i]).littleEndian, toByteOffset: 2 * i, as: UInt16.self)
                    case .float16:
                        dst.storeBytes(of: HalfPrecision.f16(from: src[i]).littleEndian, toByteOffset: 2 * i, as: UInt16.self)
                    case .q8_0, .q4_0, .q4_1:
                        break  // returned above
                    }
                }
            }
        }
        return bytes
    }
}
