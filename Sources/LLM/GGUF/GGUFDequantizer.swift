import TensorCore

/// Decodes ggml tensor data to Float, value for value as ggml's reference
/// `dequantize_row_*` (ggml-quants.c) does, in the same Float32 operation order, so the
/// results are bit-identical to ggml's and to gguf-py's (which transformers uses).
///
/// Block layouts (little-endian; `d`, `m`, `dmin` are F16):
/// - Q8_0 (32 values, 34 bytes): d, 32 x int8 q.  y = q * d
/// - Q4_0 (32, 18): d, 16 bytes; low nibbles are values 0..<16, high nibbles 16..<32.
///   y = (nibble - 8) * d
/// - Q4_1 (32, 20): d, m, 16 bytes as Q4_0.  y = nibble * d + m
/// - Q4_K (256, 144): d, dmin, 12 bytes of 6-bit (scale, min) pairs for 8 sub-blocks of 32,
///   128 bytes of nibbles: each 32 bytes hold two sub-blocks (low nibbles, then high).
///   y = (d * scale) * nibble - (dmin * min)
/// - Q6_K (256, 210): 128 bytes of low 4 bits, 64 bytes of high 2 bits, 16 x int8 scales
///   (one per 16 values), d.  y = (d * scale) * (q6 - 32)
public enum GGUFDequantizer {
    /// `count` values of `type` from `bytes` (which must hold exactly
    /// `type.byteCount(rowLength:rows:)` bytes: the header check guarantees it).
    public static func floats(_ type: GGMLType, bytes: UnsafeRawBufferPointer, count: Int) -> [Float]? {
        guard type.isDequantizable, count % type.blockSize == 0,
              bytes.count == count / type.blockSize * type.blockBytes else { return nil }
        return [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            let blocks = count / type.blockSize
            for block in 0..<blocks {
                let source = UnsafeRawBufferPointer(rebasing: bytes[block * type.blockBytes ..< (block + 1) * type.blockBytes])
                let destination = UnsafeMutableBufferPointer(rebasing: buffer[block * type.blockSize ..< (block + 1) * type.blockSize])
                decode(type, block: source, into: destination)
            }
            initialized = count
        }
    }

    static func half(_ block: UnsafeRawBufferPointer, _ offset: Int) -> Float {
        HalfPrecision.float(fromF16: UInt16(littleEndian: block.loadUnaligned(fromByteOffset: offset, as: UInt16.self)))
    }

    /// One block of `type` into `y` (blockSize values).
    static func decode(_ type: GGMLType, block x: UnsafeRawBufferPointer, into y: UnsafeMutableBufferPointer<Float>) {
        switch type {
        case .f32:
            y[0] = Float(bitPattern: UInt32(littleEndian: x.loadUnaligned(as: UInt32.self)))
        case .f16:
            y[0] = half(x, 0)
        case .bf16:
            y[0] = HalfPrecision.float(fromBF16: UInt16(littleEndian: x.loadUnaligned(as: UInt16.self)))
        case .q8_0:
            let d = half(x, 0)
            for j in 0..<32 { y[j] = Float(Int8(bitPattern: x[2 + j])) * d }
        case .q4_0:
            let d = half(x, 0)
            for j in 0..<16 {
                let byte = x[2 + j]
                y[j] = Float(Int(byte & 0x0F) - 8) * d
                y[j + 16] = Float(Int(byte >> 4) - 8) * d
            }
        case .q4_1:
            let d = half(x, 0), m = half(x, 2)
            for j in 0..<16 {
                let byte = x[4 + j]
                y[j] = Float(byte & 0x0F) * d + m
                y[j + 16] = Float(byte >> 4) * d + m
            }
        case .q4_K:
            decodeQ4K(x, into: y)
        case .q6_K:
            decodeQ6K(x, into: y)
        default:
            break  // unreachable: `floats` admits only dequantizable types
        }
    }

    /// The 6-bit (scale, min) of sub-block `j` (0..<8) of a Q4_K block's 12 scale bytes:
    /// sub-blocks 0-3 use the low 6 bits of bytes j and j+4; 4-7 take their low 4 bits from
    /// byte j+4's nibbles and their top 2 bits from the spare top bits of bytes j-4 and j.
    static func q4KScaleMin(_ j: Int, _ scales: UnsafeRawBufferPointer) -> (scale: UInt8, min: UInt8) {
        if j < 4 { return (scales[j] & 63, scales[j + 4] & 63) }
        return ((scales[j + 4] & 0x0F) | ((scales[j - 4] >> 6) << 4),
                (scales[j + 4] >> 4) | ((scales[j] >> 6) << 4))
    }

    private static func decodeQ4K(_ x: UnsafeRawBufferPointer, into y: UnsafeMutableBufferPointer<Float>) {
        let d = half(x, 0), dmin = half(x, 2)
        let scales = UnsafeRawBufferPointer(rebasing: x[4..<16])
        for group in 0..<4 {  // 64 values: two sub-blocks sharing 32 bytes of nibbles
            let (scaleLow, minLow) = q4KScaleMin(2 * group, scales)
            let (scaleHigh, minHigh) = q4KScaleMin(2 * group + 1, scales)
            let d1 = d * Float(scaleLow), m1 = dmin * Float(minLow)
            let d2 = d * Float(scaleHigh), m2 = dmin * Float(minHigh)
            for l in 0..<32 {
                let byte = x[16 + 32 * group + l]
                y[64 * group + l] = d1 * Float(byte & 0x0F) - m1
                y[64 * group + 32 + l] = d2 * Float(byte >> 4) - m2
            }
        }
    }

    private static func decodeQ6K(_ x: UnsafeRawBufferPointer, into y: UnsafeMutableBufferPointer<Float>) {
        let d = half(x, 208)
        for half in 0..<2 {  // 128 values: 64 bytes of ql, 32 of qh, 8 scales
            let ql = 64 * half, qh = 128 + 32 * half, sc = 192 + 8 * half, out = 128 * half
            for l in 0..<32 {
                let high = x[qh + l]
                let q1 = Int((x[ql + l] & 0x0F) | ((high >> 0) & 3) << 4) - 32
                let q2 = Int((x[ql + l + 32] & 0x0F) | ((high >> 2) & 3) << 4) - 32
                let q3 = Int((x[ql + l] >> 4) | ((high >> 4) & 3) << 4) - 32
                let q4 = Int((x[ql + l + 32] >> 4) | ((high >> 6) & 3) << 4) - 32
                let s = l / 16
                func scale(_ k: Int) -> Float { d * Float(Int8(bitPattern: x[sc + s + k])) }
                y[out + l] = scale(0) * Float(q1)
                y[out + l + 32] = scale(2) * Float(q2)
                y[out + l + 64] = scale(4) * Float(q3)
                y[out + l + 96] = scale(6) * Float(q4)
            }
        }
    }
}
