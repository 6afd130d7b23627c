/// Matrix-vector products for GEMMs with one row (decoding: x[1, k] * W^T) or one column.
/// They are bound by memory bandwidth, so the matrix is streamed once, directly from where
/// it lies (no packing), with SIMD over its contiguous dimension; a 16-bit matrix (F16/BF16
/// weights) is widened in registers as it streams past, so it costs half the bytes.
/// Matrices are raw pointers read through `E` with element (not byte) offsets.

/// out[j * outStride] (+)= dot(x[0..<k], rows[j * ldr ..< j * ldr + k]) for j in 0..<count.
/// Used when the matrix is stored with k contiguous (y = x W^T with W `[count, k]`).
func gemvDotRows<E: GemmElement>(
    x: UnsafePointer<Float>, k: Int, rows: UnsafeRawPointer, ldr: Int, count: Int,
    out: UnsafeMutablePointer<Float>, outStride: Int, accumulate: Bool, element: E.Type
) {
    let vectorK = k / 16 * 16
    var j = 0
    // Four rows at a time: each x chunk is loaded once for four FMAs, and four independent
    // accumulators hide the FMA latency.
    while j + 4 <= count {
        let r0 = j * ldr, r1 = r0 + ldr, r2 = r1 + ldr, r3 = r2 + ldr
        var s0 = SIMD16<Float>(), s1 = SIMD16<Float>(), s2 = SIMD16<Float>(), s3 = SIMD16<Float>()
        var p = 0
        while p < vectorK {
            let xv = load16(x + p)
            multiplyAdd(&s0, xv, E.load16(rows, r0 + p))
            multiplyAdd(&s1, xv, E.load16(rows, r1 + p))
            multiplyAdd(&s2, xv, E.load16(rows, r2 + p))
            multiplyAdd(&s3, xv, E.load16(rows, r3 + p))
            p += 16
        }
        var d0 = s0.sum(), d1 = s1.sum(), d2 = s2.sum(), d3 = s3.sum()
        while p < k {
            d0 += x[p] * E.load(rows, r0 + p); d1 += x[p] * E.load(rows, r1 + p)
            d2 += x[p] * E.load(rows, r2 + p); d3 += x[p] * E.load(rows, r3 + p)
            p += 1
        }
        put(d0, out + j * outStride, accumulate)
        put(d1, out + (j + 1) * outStride, accumulate)
        put(d2, out + (j + 2) * outStride, accumulate)
        put(d3, out + (j + 3) * outStride, accumulate)
        j += 4
    }
    while j < count {
        let r = j * ldr
        var s = SIMD16<Float>()
        var p = 0
        while p < vectorK {
            multiplyAdd(&s, load16(x + p), E.load16(rows, r + p))
            p += 16
        }
        var d = s.sum()
        while p < k {
            d += x[p] * E.load(rows, r + p)
            p += 1
        }
        put(d, out + j * outStride, accumulate)
        j += 1
    }
}

/// `gemvDotRows` on F16 rows, the same operations in the same order (so equal bit for bit),
/// with the widening written as a lane loop over `Float16` lanes, which compiles to one
/// `vcvtph2ps` from memory per 16 weights (the generic path's `widenF16x16` did not inline
/// into this loop). `rows` is a byte pointer to row 0; `ldr` counts elements.
func gemvDotRowsF16(
    x: UnsafePointer<Float>, k: Int, rows: UnsafeRawPointer, ldr: Int, count: Int,
    out: UnsafeMutablePointer<Float>, outStride: Int, accumulate: Bool
) {
    @inline(__always) func w16(_ index: Int) -> SIMD16<Float> {
#if COLLATE_PORTABLE || (os(macOS) && arch(x86_64))
        return Float16Elements.load16(rows, index)
#else
        let halves = (rows + 2 * index).loadUnaligned(as: SIMD16<Float16>.self)
        var wide = SIMD16<Float>()
        for lane in 0..<16 { wide[lane] = Float(halves[lane]) }
        return wide
#endif
    }
    @inline(__always) func w1(_ index: Int) -> Float { Float16Elements.load(rows, index) }
    let vectorK = k / 16 * 16
    var j = 0
    while j + 4 <= count {
        let r0 = j * ldr, r1 = r0 + ldr, r2 = r1 + ldr, r3 = r2 + ldr
        var s0 = SIMD16<Float>(), s1 = SIMD16<Float>(), s2 = SIMD16<Float>(), s3 = SIMD16<Float>()
        var p = 0
        while p < vectorK {
            let xv = load16(x + p)
            multiplyAdd(&s0, xv, w16(r0 + p))
            multiplyAdd(&s1, xv, w16(r1 + p))
            multiplyAdd(&s2, xv, w16(r2 + p))
            multiplyAdd(&s3, xv, w16(r3 + p))
            p += 16
        }
        var d0 = s0.sum(), d1 = s1.sum(), d2 = s2.sum(), d3 = s3.sum()
        while p < k {
            d0 += x[p] * w1(r0 + p); d1 += x[p] * w1(r1 + p)
            d2 += x[p] * w1(r2 + p); d3 += x[p] * w1(r3 + p)
            p += 1
        }
        put(d0, out + j * outStride, accumulate)
        put(d1, out + (j + 1) * outStride, accumulate)
        put(d2, out + (j + 2) * outStride, accumulate)
        put(d3, out + (j + 3) * outStride, accumulate)
        j += 4
    }
    while j < count {
        let r = j * ldr
        var s = SIMD16<Float>()
        var p = 0
        while p < vectorK {
            multiplyAdd(&s, load16(x + p), w16(r + p))
            p += 16
        }
        var d = s.sum()
        while p < k {
            d += x[p] * w1(r + p)
            p += 1
        }
        put(d, out + j * outStride, accumulate)
        j += 1
    }
}

/// out[j * outStride] (+)= sum_p x[p] * rows[p * ldr + j] for j in 0..<width.
/// Used when the matrix is stored with the output dimension contiguous (y = x W, W `[k, width]`):
/// a 64-column chunk of y stays in registers while all k rows stream past.
func gemvCombineRows<E: GemmElement>(
    x: UnsafePointer<Float>, k: Int, rows: UnsafeRawPointer, ldr: Int, width: Int,
    out: UnsafeMutablePointer<Float>, outStride: Int, accumulate: Bool, element: E.Type
) {
    var j = 0
    while j + 64 <= width {
        var s0 = SIMD16<Float>(), s1 = SIMD16<Float>(), s2 = SIMD16<Float>(), s3 = SIMD16<Float>()
        var row = j
        for p in 0..<k {
            let xv = SIMD16<Float>(repeating: x[p])
            multiplyAdd(&s0, xv, E.load16(rows, row))
            multiplyAdd(&s1, xv, E.load16(rows, row + 16))
            multiplyAdd(&s2, xv, E.load16(rows, row + 32))
            multiplyAdd(&s3, xv, E.load16(rows, row + 48))
            row += ldr
        }
        put(s0, out + j * outStride, outStride, accumulate)
        put(s1, out + (j + 16) * outStride, outStride, accumulate)
        put(s2, out + (j + 32) * outStride, outStride, accumulate)
        put(s3, out + (j + 48) * outStride, outStride, accumulate)
        j += 64
    }
    while j + 16 <= width {
        var s = SIMD16<Float>()
        var row = j
        for p in 0..<k {
            multiplyAdd(&s, SIMD16<Float>(repeating: x[p]), E.load16(rows, row))
            row += ldr
        }
        put(s, out + j * outStride, outStride, accumulate)
        j += 16
    }
    while j < width {
        var d: Float = 0
        for p in 0..<k { d += x[p] * E.load(rows, p * ldr + j) }
        put(d, out + j * outStride, accumulate)
        j += 1
    }
}

@inline(__always)
private func load16(_ p: UnsafePointer<Float>) -> SIMD16<Float> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Float>.self)
}

@inline(__always)
private func put(_ value: Float, _ to: UnsafeMutablePointer<Float>, _ add: Bool) {
    to.pointee = add ? to.pointee + value : value
}

@inline(__always)
private func put(_ value: SIMD16<Float>, _ to: UnsafeMutablePointer<Float>, _ stride: Int, _ add: Bool) {
    if stride == 1 {
        let raw = UnsafeMutableRawPointer(to)
        let sum = add ? raw.loadUnaligned(as: SIMD16<Float>.self) + value : value
        raw.storeBytes(of: sum, as: SIMD16<Float>.self)
    } else {
        for lane in 0..<16 { put(value[lane], to + lane * stride, add) }
    }
}
