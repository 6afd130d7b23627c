/// ggml's 32-element quantized blocks, for weights kept quantized in memory (`.q8_0`,
/// `.q4_0`, `.q4_1` storage). Layouts (little-endian, `d` and `m` are F16), as ggml-common.h:
/// - Q8_0 (34 bytes): d, 32 x int8 q.                    y = q * d
/// - Q4_0 (18 bytes): d, 16 bytes; low nibbles are values 0..<16, high nibbles 16..<32.
///                                                       y = (nibble - 8) * d
/// - Q4_1 (20 bytes): d, m, 16 bytes as Q4_0.             y = nibble * d + m
/// Dequantizing is ggml's `dequantize_row_*` operation for operation (bit-identical to
/// LLM's GGUFDequantizer); quantizing is ggml's reference `quantize_row_*_ref`.
/// The GEMM reads blocks through `GemmElement` (GemmQuantizedElements.swift) instead.

/// The F16 at `base + byteOffset`, widened.
@inline(__always)
func blockScale(_ base: UnsafeRawPointer, _ byteOffset: Int) -> Float {
    HalfPrecision.float(fromF16: UInt16(littleEndian: base.loadUnaligned(fromByteOffset: byteOffset, as: UInt16.self)))
}

/// `count` elements (a multiple of 32) of block format `encoding` at `source` -> floats.
func dequantizeBlocks(_ source: UnsafeRawPointer, encoding: ScalarEncoding, count: Int,
                      into out: UnsafeMutablePointer<Float>) {
    precondition(encoding.isBlockQuantized && count % 32 == 0, "dequantizeBlocks: \(count) elements of \(encoding)")
    let size = encoding.blockBytes
    for block in 0..<(count / 32) {
        let x = source + block * size, y = out + block * 32
        switch encoding {
        case .q8_0:
            let d = blockScale(x, 0)
            for j in 0..<32 { y[j] = Float(x.load(fromByteOffset: 2 + j, as: Int8.self)) * d }
        case .q4_0:
            let d = blockScale(x, 0)
            for j in 0..<16 {
                let byte = x.load(fromByteOffset: 2 + j, as: UInt8.self)
                y[j] = Float(Int(byte & 0x0F) - 8) * d
                y[j + 16] = Float(Int(byte >> 4) - 8) * d
            }
        default:
            let d = blockScale(x, 0), m = blockScale(x, 2)
            for j in 0..<16 {
                let byte = x.load(fromByteOffset: 4 + j, as: UInt8.self)
                y[j] = Float(byte & 0x0F) * d + m
                y[j + 16] = Float(byte >> 4) * d + m
            }
        }
    }
}

/// Element `index` of the block-format array at `source`, dequantized.
func dequantizedElement(_ source: UnsafeRawPointer, encoding: ScalarEncoding, index: Int) -> Float {
    let x = source + (index / 32) * encoding.blockBytes, j = index % 32
    switch encoding {
    case .q8_0:
        return Float(x.load(fromByteOffset: 2 + j, as: Int8.self)) * blockScale(x, 0)
    case .q4_0:
        let byte = x.load(fromByteOffset: 2 + j % 16, as: UInt8.self)
        return Float(Int(j < 16 ? byte & 0x0F : byte >> 4) - 8) * blockScale(x, 0)
    default:
        let byte = x.load(fromByteOffset: 4 + j % 16, as: UInt8.self)
        return Float(j < 16 ? byte & 0x0F : byte >> 4) * blockScale(x, 0) + blockScale(x, 2)
    }
}

/// `count` floats (a multiple of 32) -> blocks of `encoding` at `out`, as ggml's
/// `quantize_row_q8_0_ref` / `_q4_0_ref` / `_q4_1_ref` (the scale rounded to F16 for storage,
/// the quants computed with the unrounded one).
func quantizeBlocks(_ values: UnsafePointer<Float>, encoding: ScalarEncoding, count: Int,
                    into out: UnsafeMutableRawPointer) {
    precondition(encoding.isBlockQuantized && count % 32 == 0, "quantizeBlocks: \(count) elements of \(encoding)")
    let size = encoding.blockBytes
    for block in 0..<(count / 32) {
        let x = values + block * 32, y = out + block * size
        switch encoding {
        case .q8_0:
            var amax: Float = 0
            for j in 0..<32 { amax = max(amax, abs(x[j])) }
            let d = amax / 127, id: Float = d != 0 ? 1 / d : 0
            y.storeBytes(of: HalfPrecision.f16(from: d).littleEndian, as: UInt16.self)
            for j in 0..<32 { y.storeBytes(of: Int8(clampedQuant((x[j] * id).rounded(), -127, 127)), toByteOffset: 2 + j, as: Int8.self) }
        case .q4_0:
            // The value of largest magnitude, with its sign, maps to -8.
            var amax: Float = 0, extreme: Float = 0
            for j in 0..<32 where amax < abs(x[j]) { amax = abs(x[j]); extreme = x[j] }
            let d = extreme / -8, id: Float = d != 0 ? 1 / d : 0
            y.storeBytes(of: HalfPrecision.f16(from: d).littleEndian, as: UInt16.self)
            for j in 0..<16 {
                let low = clampedQuant(x[j] * id + 8.5, 0, 15)
                let high = clampedQuant(x[j + 16] * id + 8.5, 0, 15)
                y.storeBytes(of: UInt8(low | high << 4), toByteOffset: 2 + j, as: UInt8.self)
            }
        default:
            var lowest = Float.greatestFiniteMagnitude, highest = -Float.greatestFiniteMagnitude
            for j in 0..<32 { lowest = min(lowest, x[j]); highest = max(highest, x[j]) }
            let d = (highest - lowest) / 15, id: Float = d != 0 ? 1 / d : 0
            y.storeBytes(of: HalfPrecision.f16(from: d).littleEndian, as: UInt16.self)
            y.storeBytes(of: HalfPrecision.f16(from: lowest).littleEndian, toByteOffset: 2, as: UInt16.self)
            for j in 0..<16 {
                let low = clampedQuant((x[j] - lowest) * id + 0.5, 0, 15)
                let high = clampedQuant((x[j + 16] - lowest) * id + 0.5, 0, 15)
                y.storeBytes(of: UInt8(low | high << 4), toByteOffset: 4 + j, as: UInt8.self)
            }
        }
    }
}

/// `value` truncated toward zero into `low...high` (ggml's `(int8_t)` cast then MIN); NaN
/// gives `low` instead of trapping.
@inline(__always)
private func clampedQuant(_ value: Float, _ low: Int, _ high: Int) -> Int {
    value >= Float(low) ? (value < Float(high) ? Int(value) : high) : low
}

/// The element index of the first block whose F16 scale (or Q4_1 minimum) is NaN or
/// infinite, or nil: the quants themselves are integers and always finite.
func firstNonFiniteBlock(_ bytes: UnsafeRawBufferPointer, encoding: ScalarEncoding) -> Int? {
    guard let base = bytes.baseAddress else { return nil }
    let size = encoding.blockBytes, halves = encoding == .q4_1 ? 2 : 1
    for block in 0..<(bytes.count / size) {
        for h in 0..<halves {
            let word = UInt16(littleEndian: base.loadUnaligned(fromByteOffset: block * size + 2 * h, as: UInt16.self))
            if word & 0x7C00 == 0x7C00 { return block * 32 }
        }
    }
    return nil
}

extension Tensor {
    /// A tensor over a copy of ggml blocks of `encoding` (row-major; the last dimension a
    /// multiple of 32). Throws when `bytes` is not exactly the blocks `shape` needs.
    public init(blocks bytes: UnsafeRawBufferPointer, encoding: ScalarEncoding, shape: [Int]) throws {
        let count = Tensor.elementCount(shape)
        let expected = encoding.byteCount(elements: count)
        guard encoding.isBlockQuantized, (shape.last ?? 1) % 32 == 0, bytes.count == expected,
              let source = bytes.baseAddress else {
            throw TensorDecodingError(shape: shape, encoding: encoding, expectedBytes: expected, foundBytes: bytes.count)
        }
        let fresh = TensorStorage(uninitializedCount: count, encoding: encoding)
        fresh.raw.copyMemory(from: source, byteCount: expected)
        self.init(shape: shape, storage: fresh)
    }

    /// Whether `stored(as: encoding)` can hold this tensor: any tensor for a scalar encoding;
    /// for a block format, one whose last dimension is a whole number of blocks.
    public func canBeStored(as encoding: ScalarEncoding) -> Bool {
        !encoding.isBlockQuantized || (rank >= 1 && shape[rank - 1] % encoding.blockSize == 0)
    }

    /// This tensor quantized to blocks of `encoding` (`self` if it already is).
    func quantized(as encoding: ScalarEncoding) -> Tensor {
        precondition(canBeStored(as: encoding), "stored(as: \(encoding)): shape \(shape) is not whole rows of 32-element blocks")
        if encoding == storage.encoding { return self }
        let n = count
        let fresh = TensorStorage(uninitializedCount: n, encoding: encoding)
        withUnsafeBufferPointer { values in
            if let base = values.baseAddress { quantizeBlocks(base, encoding: encoding, count: n, into: fresh.raw) }
        }
        return Tensor(shape: shape, storage: fresh)
    }

    /// The elements as ggml blocks of `encoding` (the stored blocks when already held so).
    func blockBytes(encoding: ScalarEncoding) -> [UInt8] {
        let held = quantized(as: encoding)
        let byteCount = encoding.byteCount(elements: count)
        return held.withUnsafeStoredElements { raw in
            Array(UnsafeRawBufferPointer(start: raw, count: byteCount))
        }
    }
}

extension TensorStorage {
    /// Elements `offset ..< offset + count` as Float32 into `out` (widened or dequantized).
    func widen(from offset: Int, count: Int, into out: UnsafeMutablePointer<Float>) {
        switch encoding {
        case .float32: out.initialize(from: pointer + offset, count: count)
        case .float16, .bfloat16: widenHalfWords(halfWords + offset, encoding: encoding, count: count, into: out)
        case .q8_0, .q4_0, .q4_1:
            precondition(offset % 32 == 0, "TensorStorage: view at element \(offset) splits a quantized block")
            dequantizeBlocks(raw + encoding.byteCount(elements: offset), encoding: encoding, count: count, into: out)
        }
    }
}
