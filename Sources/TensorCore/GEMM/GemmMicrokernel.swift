/// The register-blocked inner kernel of the packed GEMM: one `MR x NR` tile of C from one
/// packed A strip and one packed B strip.
///
/// Shape of the tile: 6 rows x 16 columns, 6 accumulators of `SIMD16<Float>`. On AVX2 each
/// SIMD16 is two 256-bit registers, so the tile holds 12 accumulators + 2 for the B row + 1
/// broadcast = 15 of the 16 ymm registers (the classic Haswell/Zen 6x16 shape); on AVX-512
/// it is only 6 zmm accumulators (a 6x32 or 8x32 tile would suit AVX-512 better, but Swift
/// cannot select on target features at compile time). Measured here (Zen 3, AVX2), this
/// kernel alone on L1-resident strips runs at ~93 GFLOP/s, the FMA peak of one core.
enum GemmTile {
    /// Rows of C per microkernel call (rows of a packed A strip).
    static var rows: Int { 6 }
    /// Columns of C per microkernel call (columns of a packed B strip); one SIMD16.
    static var columns: Int { 16 }
}

/// C[0..<6, 0..<16] (+)= sum_p aStrip[p] (6 values) outer bStrip[p] (16 values).
///
/// - `aStrip`: packed A, `kc` groups of 6 floats (`aStrip[p * 6 + r]` = A[r, p]).
/// - `bStrip`: packed B, `kc` groups of 16 floats, 64-byte aligned (`bStrip[p * 16 + j]`).
/// - `c`: top-left of the tile in C, row stride `ldc`; all 6x16 elements must be valid.
/// - `addToC`: add the product to C (otherwise overwrite).
@inline(__always)
func gemmMicrokernel6x16(
    kc: Int, aStrip: UnsafePointer<Float>, bStrip: UnsafePointer<Float>,
    c: UnsafeMutablePointer<Float>, ldc: Int, addToC: Bool
) {
    var c0 = SIMD16<Float>(), c1 = SIMD16<Float>(), c2 = SIMD16<Float>()
    var c3 = SIMD16<Float>(), c4 = SIMD16<Float>(), c5 = SIMD16<Float>()
    var a = aStrip
    var b = UnsafeRawPointer(bStrip)
    for _ in 0..<kc {
        let row = b.load(as: SIMD16<Float>.self)
        multiplyAdd(&c0, a[0], row)
        multiplyAdd(&c1, a[1], row)
        multiplyAdd(&c2, a[2], row)
        multiplyAdd(&c3, a[3], row)
        multiplyAdd(&c4, a[4], row)
        multiplyAdd(&c5, a[5], row)
        a += 6
        b += 64
    }
    store(c0, c, addToC)
    store(c1, c + ldc, addToC)
    store(c2, c + 2 * ldc, addToC)
    store(c3, c + 3 * ldc, addToC)
    store(c4, c + 4 * ldc, addToC)
    store(c5, c + 5 * ldc, addToC)
}

/// Writes (or adds) 16 floats at an arbitrary (unaligned) address.
@inline(__always)
private func store(_ value: SIMD16<Float>, _ to: UnsafeMutablePointer<Float>, _ add: Bool) {
    let raw = UnsafeMutableRawPointer(to)
    if add {
        raw.storeBytes(of: raw.loadUnaligned(as: SIMD16<Float>.self) + value, as: SIMD16<Float>.self)
    } else {
        raw.storeBytes(of: value, as: SIMD16<Float>.self)
    }
}

/// The microkernel for a tile that sticks out of C (fewer than 6 rows or 16 columns valid):
/// computes the full tile into a scratch tile, then writes back only `rows x columns`.
/// The packed strips are zero-padded, so the extra lanes are computed on zeros.
@inline(never)
func gemmMicrokernelEdge(
    kc: Int, aStrip: UnsafePointer<Float>, bStrip: UnsafePointer<Float>,
    c: UnsafeMutablePointer<Float>, ldc: Int, rows: Int, columns: Int, addToC: Bool
) {
    withUnsafeTemporaryAllocation(of: SIMD16<Float>.self, capacity: GemmTile.rows) { tile in
        let scratch = UnsafeMutableRawPointer(tile.baseAddress!).assumingMemoryBound(to: Float.self)
        gemmMicrokernel6x16(kc: kc, aStrip: aStrip, bStrip: bStrip,
                            c: scratch, ldc: GemmTile.columns, addToC: false)
        for r in 0..<rows {
            let source = scratch + r * GemmTile.columns
            let target = c + r * ldc
            if addToC {
                for j in 0..<columns { target[j] += source[j] }
            } else {
                for j in 0..<columns { target[j] = source[j] }
            }
        }
    }
}

/// acc += x * y lane by lane: one fused multiply-add instruction per register when the CPU
/// has FMA (the native build); in a portable build (`COLLATE_PORTABLE`, baseline x86-64
/// without FMA) a multiply and an add, because a fused one would be a libm call per lane.
@inline(__always)
func multiplyAdd(_ acc: inout SIMD16<Float>, _ x: SIMD16<Float>, _ y: SIMD16<Float>) {
    #if COLLATE_PORTABLE
    acc += x * y
    #else
    acc.addProduct(x, y)
    #endif
}

/// acc += x * y with a scalar x broadcast to every lane (see the SIMD16 overload).
@inline(__always)
func multiplyAdd(_ acc: inout SIMD16<Float>, _ x: Float, _ y: SIMD16<Float>) {
    #if COLLATE_PORTABLE
    acc += x * y
    #else
    acc.addProduct(x, y)
    #endif
}
