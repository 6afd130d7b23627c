/// The decode matrix-vector product `y = x W^T` with W stored as ggml blocks, block by block:
/// for each block of 32 weights, sum `quant * x` in Float32 first and scale once,
///
///     y_j = sum_b d_jb * sum_i q_jbi x_bi  (+ m_jb * sum_i x_bi for Q4_1)
///
/// so a block costs its two 16-lane integer-to-float conversions, two FMAs and one scaling
/// FMA; a row's 16 lanes are summed as a tree (`treeSum`) (the generic path, `gemvDotRows` through `load16`, dequantizes every 16 lanes with a
/// multiply, and cannot see that the lanes never straddle a block). Q4_1's minimum multiplies
/// the block's sum of x, computed once per call and shared by every row. Equal to the GEMM on
/// the dequantized matrix up to rounding (the scale is factored out of the block's sum).

/// A block format whose rows the matrix-vector kernel reads block by block.
protocol QuantizedGemmElement: GemmElement {
    /// Bytes per 32-element block.
    static var blockBytes: Int { get }
    /// Whether blocks carry a minimum added to every element (Q4_1).
    static var hasMinimum: Bool { get }
    /// The block's integer quants as floats: elements 0..<16 and 16..<32.
    static func quants(_ block: UnsafeRawPointer) -> (low: SIMD16<Float>, high: SIMD16<Float>)
    /// The block's scale d.
    static func scale(_ block: UnsafeRawPointer) -> Float
    /// The block's minimum m (0 without one).
    static func minimum(_ block: UnsafeRawPointer) -> Float
    /// `gemvDotBlocks` on rows `ldr` elements apart.
    static func dotBlockRows(x: UnsafePointer<Float>, k: Int, rows: UnsafeRawPointer, ldr: Int, count: Int,
                             out: UnsafeMutablePointer<Float>, outStride: Int, accumulate: Bool)
}

extension Q8_0Elements: QuantizedGemmElement {
    @inline(__always) static var blockFormat: (any QuantizedGemmElement.Type)? { Self.self }
    @inline(__always) static var blockBytes: Int { 34 }
    @inline(__always) static var hasMinimum: Bool { false }
    @inline(__always)
    static func quants(_ block: UnsafeRawPointer) -> (low: SIMD16<Float>, high: SIMD16<Float>) {
        (blockInt8(block + 2), blockInt8(block + 18))
    }
    @inline(__always) static func scale(_ block: UnsafeRawPointer) -> Float { Float16Elements.load(block, 0) }
    @inline(__always) static func minimum(_ block: UnsafeRawPointer) -> Float { 0 }
}

extension Q4_0Elements: QuantizedGemmElement {
    @inline(__always) static var blockFormat: (any QuantizedGemmElement.Type)? { Self.self }
    @inline(__always) static var blockBytes: Int { 18 }
    @inline(__always) static var hasMinimum: Bool { false }
    @inline(__always)
    static func quants(_ block: UnsafeRawPointer) -> (low: SIMD16<Float>, high: SIMD16<Float>) {
        let (low, high) = blockNibbles(block + 2)
        return (low - 8, high - 8)
    }
    @inline(__always) static func scale(_ block: UnsafeRawPointer) -> Float { Float16Elements.load(block, 0) }
    @inline(__always) static func minimum(_ block: UnsafeRawPointer) -> Float { 0 }
}

extension Q4_1Elements: QuantizedGemmElement {
    @inline(__always) static var blockFormat: (any QuantizedGemmElement.Type)? { Self.self }
    @inline(__always) static var blockBytes: Int { 20 }
    @inline(__always) static var hasMinimum: Bool { true }
    @inline(__always)
    static func quants(_ block: UnsafeRawPointer) -> (low: SIMD16<Float>, high: SIMD16<Float>) {
        blockNibbles(block + 4)
    }
    @inline(__always) static func scale(_ block: UnsafeRawPointer) -> Float { Float16Elements.load(block, 0) }
    @inline(__always) static func minimum(_ block: UnsafeRawPointer) -> Float { Float16Elements.load(block, 1) }
}

/// 16 int8 at `p` as floats (a lane loop: `vpmovsxbd` + `vcvtdq2ps`).
@inline(__always)
private func blockInt8(_ p: UnsafeRawPointer) -> SIMD16<Float> {
    let bytes = p.loadUnaligned(as: SIMD16<Int8>.self)
    var out = SIMD16<Float>()
    for lane in 0..<16 { out[lane] = Float(Int32(bytes[lane])) }
    return out
}

/// The low and high nibbles of the 16 bytes at `p` as floats.
@inline(__always)
private func blockNibbles(_ p: UnsafeRawPointer) -> (SIMD16<Float>, SIMD16<Float>) {
    let bytes = p.loadUnaligned(as: SIMD16<UInt8>.self)
    let low = bytes & 0x0F, high = bytes &>> 4
    var a = SIMD16<Float>(), b = SIMD16<Float>()
    for lane in 0..<16 {
        a[lane] = Float(Int32(low[lane]))
        b[lane] = Float(Int32(high[lane]))
    }
    return (a, b)
}

/// The sum of the 16 lanes as a tree (halves added pairwise: 4 shuffles and 4 adds, 4 adds
/// deep) rather than `sum()`'s 15 adds in sequence. The block kernel's summation order is
/// its own (a quantized row is never batched through another kernel), so it need not be
/// `sum()`'s; it is the same for every row, whatever the number of rows or threads.
@inline(__always)
private func treeSum(_ v: SIMD16<Float>) -> Float {
    let v8 = v.lowHalf + v.highHalf
    let v4 = v8.lowHalf + v8.highHalf
    let v2 = v4.lowHalf + v4.highHalf
    return v2[0] + v2[1]
}

@inline(__always)
private func load16(_ p: UnsafePointer<Float>) -> SIMD16<Float> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Float>.self)
}

@inline(__always)
private func put(_ value: Float, _ to: UnsafeMutablePointer<Float>, _ add: Bool) {
    to.pointee = add ? to.pointee + value : value
}

/// out[j * outStride] (+)= dot(x[0..<k], row j) for j in 0..<count, row j being the
/// `k / 32` blocks at `rows + j * rowBytes` (k a multiple of 32).
func gemvDotBlocks<Q: QuantizedGemmElement>(
    x: UnsafePointer<Float>, k: Int, rows: UnsafeRawPointer, rowBytes: Int, count: Int,
    out: UnsafeMutablePointer<Float>, outStride: Int, accumulate: Bool, element: Q.Type
) {
    let blocks = k / 32, size = Q.blockBytes
    withUnsafeTemporaryAllocation(of: Float.self, capacity: Q.hasMinimum ? max(blocks, 1) : 1) { sums in
        if Q.hasMinimum {
            for b in 0..<blocks { sums[b] = treeSum(load16(x + 32 * b) + load16(x + 32 * b + 16)) }
        }
        var j = 0
        // Four rows at a time: each x block is loaded once for four rows.
        while j + 4 <= count {
            let r0 = rows + j * rowBytes, r1 = r0 + rowBytes, r2 = r1 + rowBytes, r3 = r2 + rowBytes
            var s0 = SIMD16<Float>(), s1 = SIMD16<Float>(), s2 = SIMD16<Float>(), s3 = SIMD16<Float>()
            var m0: Float = 0, m1: Float = 0, m2: Float = 0, m3: Float = 0
            for b in 0..<blocks {
                let xl = load16(x + 32 * b), xh = load16(x + 32 * b + 16), offset = b * size
                @inline(__always) func accumulate(_ s: inout SIMD16<Float>, _ m: inout Float, _ block: UnsafeRawPointer) {
                    let (low, high) = Q.quants(block)
                    var t = low * xl
                    multiplyAdd(&t, high, xh)
                    multiplyAdd(&s, Q.scale(block), t)
                    if Q.hasMinimum { m += Q.minimum(block) * sums[b] }
                }
                accumulate(&s0, &m0, r0 + offset)
                accumulate(&s1, &m1, r1 + offset)
                accumulate(&s2, &m2, r2 + offset)
                accumulate(&s3, &m3, r3 + offset)
            }
            put(treeSum(s0) + m0, out + j * outStride, accumulate)
            put(treeSum(s1) + m1, out + (j + 1) * outStride, accumulate)
            put(treeSum(s2) + m2, out + (j + 2) * outStride, accumulate)
            put(treeSum(s3) + m3, out + (j + 3) * outStride, accumulate)
            j += 4
        }
        while j < count {
            let r = rows + j * rowBytes
            var s = SIMD16<Float>(), m: Float = 0
            for b in 0..<blocks {
                let block = r + b * size
                let (low, high) = Q.quants(block)
                var t = low * load16(x + 32 * b)
                multiplyAdd(&t, high, load16(x + 32 * b + 16))
                multiplyAdd(&s, Q.scale(block), t)
                if Q.hasMinimum { m += Q.minimum(block) * sums[b] }
            }
            put(treeSum(s) + m, out + j * outStride, accumulate)
            j += 1
        }
    }
}

/// `gemvDotBlocks` for each format, called through the metatype (`any
/// QuantizedGemmElement.Type`): written out per type so that each calls the specialised
/// kernel (a protocol-extension default would run the unspecialised generic one, 3x slower).
extension Q8_0Elements {
    static func dotBlockRows(x: UnsafePointer<Float>, k: Int, rows: UnsafeRawPointer, ldr: Int, count: Int,
                             out: UnsafeMutablePointer<Float>, outStride: Int, accumulate: Bool) {
        gemvDotBlocks(x: x, k: k, rows: rows, rowBytes: byteOffset(ldr), count: count, out: out,
                      outStride: outStride, accumulate: accumulate, element: Q8_0Elements.self)
    }
}

extension Q4_0Elements {
    static func dotBlockRows(x: UnsafePointer<Float>, k: Int, rows: UnsafeRawPointer, ldr: Int, count: Int,
                             out: UnsafeMutablePointer<Float>, outStride: Int, accumulate: Bool) {
        gemvDotBlocks(x: x, k: k, rows: rows, rowBytes: byteOffset(ldr), count: count, out: out,
                      outStride: outStride, accumulate: accumulate, element: Q4_0Elements.self)
    }
}

extension Q4_1Elements {
    static func dotBlockRows(x: UnsafePointer<Float>, k: Int, rows: UnsafeRawPointer, ldr: Int, count: Int,
                             out: UnsafeMutablePointer<Float>, outStride: Int, accumulate: Bool) {
        gemvDotBlocks(x: x, k: k, rows: rows, rowBytes: byteOffset(ldr), count: count, out: out,
                      outStride: outStride, accumulate: accumulate, element: Q4_1Elements.self)
    }
}
