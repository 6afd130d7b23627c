/// Raw little-endian element encodings, as safetensors stores them: F32, F16 and BF16 are
/// widened to Float32 on load and narrowed (round to nearest even) on save.
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
                    out[i] = Float(bitPattern: UInt32(half) << 16)
                }
            case .float16:
                for i in 0..<count {
                    let half = UInt16(littleEndian: bytes.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))
                    out[i] = Tensor.floatFromHalfBits(half)
                }
            }
        }
    }

    /// The elements encoded little-endian; F16/BF16 round to nearest even (NaN stays NaN).
    public func littleEndianBytes(encoding: ScalarEncoding) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count * encoding.byteWidth)
        withUnsafeBufferPointer { src in
            bytes.withUnsafeMutableBytes { dst in
                for i in 0..<src.count {
                    switch encoding {
                    case .float32:
                        dst.storeBytes(of: src[i].bitPattern.littleEndian, toByteOffset: 4 * i, as: UInt32.self)
                    case .bfloat16:
                        dst.storeBytes(of: Tensor.bfloat16Bits(src[i]).littleEndian, toByteOffset: 2 * i, as: UInt16.self)
                    case .float16:
                        dst.storeBytes(of: Tensor.halfBits(src[i]).littleEndian, toByteOffset: 2 * i, as: UInt16.self)
                    }
                }
            }
        }
        return bytes
    }

    /// Float32 -> BF16 bits, round to nearest even; NaN keeps a quiet NaN.
    static func bfloat16Bits(_ x: Float) -> UInt16 {
        let bits = x.bitPattern
        if x.isNaN { return UInt16(bits >> 16) | 0x0040 }
        let roundingBias = 0x7FFF + ((bits >> 16) & 1)
        return UInt16((bits &+ roundingBias) >> 16)
    }

    /// IEEE half bits -> Float32 (normals, subnormals, zeros, inf, NaN).
    static func floatFromHalfBits(_ h: UInt16) -> Float {
        let sign = UInt32(h & 0x8000) << 16
        let exponent = Int((h >> 10) & 0x1F)
        let mantissa = UInt32(h & 0x3FF)
        if exponent == 0x1F {
            return Float(bitPattern: sign | 0x7F80_0000 | (mantissa << 13))
        }
        if exponent == 0 {
            // Subnormal or zero: mantissa * 2^-24.
            let magnitude = Float(mantissa) * Float(bitPattern: 0x3380_0000)
            return sign == 0 ? magnitude : -magnitude
        }
        return Float(bitPattern: sign | UInt32(exponent - 15 + 127) << 23 | (mantissa << 13))
    }

    /// Float32 -> IEEE half bits, round to nearest even, overflow to inf.
    static func halfBits(_ x: Float) -> UInt16 {
        let bits = x.bitPattern
        let sign = UInt16((bits >> 16) & 0x8000)
        if x.isNaN { return sign | 0x7E00 }
        let magnitude = abs(x)
        if magnitude >= 65520 { return sign | 0x7C00 }               // rounds past the max half
        if magnitude < Float(bitPattern: 0x3880_0000) {              // below 2^-14: subnormal half
            // Units of 2^-24, rounded to nearest even by Float's own rounding.
            let units = (magnitude * Float(bitPattern: 0x4B80_0000)).rounded(.toNearestOrEven)
            return sign | UInt16(units)
        }
        let exponent = Int((bits >> 23) & 0xFF) - 127 + 15
        var mantissa = (bits & 0x7F_FFFF) >> 13
        let rest = bits & 0x1FFF
        var e = UInt32(exponent)
        if rest > 0x1000 || (rest == 0x1000 && mantissa & 1 == 1) {
            mantissa += 1
            if mantissa == 0x400 { mantissa = 0; e += 1 }
        }
        return sign | UInt16(e << 10) | UInt16(mantissa)
    }
}
