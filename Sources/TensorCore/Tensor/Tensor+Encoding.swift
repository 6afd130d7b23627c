/// Raw little-endian element encodings, as safetensors stores them: F32, F16 and BF16 are
/// widened to Float32 on load and narrowed (round to nearest even) on save, through
/// `HalfPrecision`.
///
/// ```swift
/// let w = try Tensor(littleEndianBytes: rawBytes, encoding: .bfloat16, shape: [576, 576])
/// let bytes = w.littleEndianBytes(encoding: .bfloat16)
/// ```
public enum ScalarEncoding: String, Sendable, CaseIterable {
    case float32 = "F32", float16 = "F16", bfloat16 = "BF16"

    public var byteWidth: Int { self == .float32 ? 4 : 2 }
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
        guard bytes.count == count * encoding.byteWidth else {
            throw TensorDecodingError(shape: shape, encoding: encoding,
                                      expectedBytes: count * encoding.byteWidth, foundBytes: bytes.count)
        }
        self.init(shape: shape) { out in
            switch encoding {
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
        if storage == encoding && encoding != .float32 {
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
                    }
                }
            }
        }
        return bytes
    }
}
