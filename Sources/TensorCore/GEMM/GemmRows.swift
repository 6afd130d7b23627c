/// The row kernel: C[i, j] (+)= dot(A[i, 0..<k], W[j, 0..<k]) for a few rows of A (batched
/// decoding: one token per sequence) against a weight matrix stored `[n, k]`, k contiguous.
///
/// Every element of C is computed in exactly the order `gemvDotRows` computes it (one SIMD16
/// accumulator over k in steps of 16, fused multiply-adds, the lanes summed in order, then
/// the scalar tail), whatever m is and whichever tile the element falls in. So a row's result
/// does not depend on how many other rows share the call, and one row equals the
/// matrix-vector product bit for bit: batched decoding gives the same log-probs as
/// decoding alone (batch invariance), which the blocked GEMM (another summation order) and a
/// kernel that switched on m could not promise.
///
/// Like the matrix-vector kernel it reads W where it lies (F16/BF16 widened in registers);
/// unlike it, each 4-row block of W is reused from L1 by every 4-row block of A, so with
/// m >= 8 the product is bound by the FMA units, not by memory.
func gemmRows<E: GemmElement>(
    m: Int, n: Int, k: Int, a: UnsafePointer<Float>, lda: Int,
    w: UnsafeRawPointer, ldw: Int, c: UnsafeMutablePointer<Float>, ldc: Int,
    accumulate: Bool, threads: Int, element: E.Type
) {
    guard m > 0, n > 0 else { return }
    // Chunks of W rows (each streamed from memory once) shared out between the threads; a
    // chunk of 64 rows of k = 576 F16 is 74 KB, so the A rows and the chunk stay in L2.
    let work = m * n * k
    let parts = work >= gemvSplitMultiplyAdds ? max(1, threads) : 1
    let chunk = max(4, roundUp((n + 4 * parts - 1) / (4 * parts), 4))
    let chunkRows = min(chunk, 64)
    let pointers = GemmPointers(a: a, b: w, c: c)
    runTasks((n + chunkRows - 1) / chunkRows, workers: parts) { task, _ in
        let first = task * chunkRows, count = min(chunkRows, n - first)
        gemmRowsChunk(m: m, rows: first..<(first + count), k: k, a: pointers.a, lda: lda,
                      w: pointers.b, ldw: ldw, c: pointers.c, ldc: ldc, accumulate: accumulate,
                      element: E.self)
    }
}

/// W rows `rows` against every row of A: 4 x 4 tiles, then single rows / columns at the edges.
/// A 16-bit W is widened four rows at a time into a Float32 scratch block first (exact, so the
/// products are the same), once for all the rows of A instead of once per 4-row tile of A.
@inline(__always)
func gemmRowsChunk<E: GemmElement>(
    m: Int, rows: Range<Int>, k: Int, a: UnsafePointer<Float>, lda: Int,
    w: UnsafeRawPointer, ldw: Int, c: UnsafeMutablePointer<Float>, ldc: Int,
    accumulate: Bool, element: E.Type
) {
    if E.self == Float32Elements.self {
        gemmRowsWide(m: m, rows: rows, k: k, a: a, lda: lda, w: w, wRow: { $0 * ldw }, ldw: ldw, c: c, ldc: ldc,
                     accumulate: accumulate)
        return
    }
    withUnsafeTemporaryAllocation(of: Float.self, capacity: 4 * max(k, 1)) { scratch in
        guard let block = scratch.baseAddress else { return }
        let vectorK = k / 16 * 16
        var j = rows.lowerBound
        while j < rows.upperBound {
            let count = min(4, rows.upperBound - j)
            for r in 0..<count {
                let source = (j + r) * ldw, target = block + r * k
                var p = 0
                while p < vectorK {
                    UnsafeMutableRawPointer(target + p).storeBytes(of: E.load16(w, source + p), as: SIMD16<Float>.self)
                    p += 16
                }
                while p < k { target[p] = E.load(w, source + p); p += 1 }
            }
            let first = j
            gemmRowsWide(m: m, rows: j..<(j + count), k: k, a: a, lda: lda, w: UnsafeRawPointer(block),
                         wRow: { ($0 - first) * k }, ldw: k, c: c, ldc: ldc, accumulate: accumulate)
            j += count
        }
    }
}

/// `gemmRowsChunk` on a Float32 W; W row j starts at element `wRow(j)`, rows `ldw` apart.
@inline(__always)
private func gemmRowsWide(
    m: Int, rows: Range<Int>, k: Int, a: UnsafePointer<Float>, lda: Int,
    w: UnsafeRawPointer, wRow: (Int) -> Int, ldw: Int, c: UnsafeMutablePointer<Float>, ldc: Int,
    accumulate: Bool
) {
    typealias E = Float32Elements
    var j = rows.lowerBound
    while j + 4 <= rows.upperBound {
        var i = 0
        while i + 4 <= m {
            gemmRowsTile4x4(k: k, a: a + i * lda, lda: lda, w: w, wRow: wRow(j), ldw: ldw,
                            c: c + i * ldc + j, ldc: ldc, accumulate: accumulate, element: E.self)
            i += 4
        }
        while i < m {
            gemmRowsTile1x4(k: k, x: a + i * lda, w: w, wRow: wRow(j), ldw: ldw, c: c + i * ldc + j,
                            accumulate: accumulate)
            i += 1
        }
        j += 4
    }
    while j < rows.upperBound {
        for i in 0..<m {
            gemmRowsDot(k: k, x: a + i * lda, w: w, wRow: wRow(j), c: c + i * ldc + j,
                        accumulate: accumulate, element: E.self)
        }
        j += 1
    }
}

/// One element: dot(x[0..<k], W row) in `gemvDotRows`' order.
@inline(__always)
private func gemmRowsDot<E: GemmElement>(
    k: Int, x: UnsafePointer<Float>, w: UnsafeRawPointer, wRow: Int,
    c: UnsafeMutablePointer<Float>, accumulate: Bool, element: E.Type
) {
    let vectorK = k / 16 * 16
    var s = SIMD16<Float>()
    var p = 0
    while p < vectorK {
        multiplyAdd(&s, loadFloats16(x + p), E.load16(w, wRow + p))
        p += 16
    }
    var d = s.sum()
    while p < k {
        d += x[p] * E.load(w, wRow + p)
        p += 1
    }
    c.pointee = accumulate ? c.pointee + d : d
}

/// One row of A against four W rows (Float32): four accumulators, each element in
/// `gemmRowsDot`'s order.
@inline(__always)
private func gemmRowsTile1x4(
    k: Int, x: UnsafePointer<Float>, w: UnsafeRawPointer, wRow: Int, ldw: Int,
    c: UnsafeMutablePointer<Float>, accumulate: Bool
) {
    typealias E = Float32Elements
    let vectorK = k / 16 * 16
    let r0 = wRow, r1 = wRow + ldw, r2 = wRow + 2 * ldw, r3 = wRow + 3 * ldw
    var s0 = SIMD16<Float>(), s1 = SIMD16<Float>(), s2 = SIMD16<Float>(), s3 = SIMD16<Float>()
    var p = 0
    while p < vectorK {
        let xv = loadFloats16(x + p)
        multiplyAdd(&s0, xv, E.load16(w, r0 + p))
        multiplyAdd(&s1, xv, E.load16(w, r1 + p))
        multiplyAdd(&s2, xv, E.load16(w, r2 + p))
        multiplyAdd(&s3, xv, E.load16(w, r3 + p))
        p += 16
    }
    var d0 = s0.sum(), d1 = s1.sum(), d2 = s2.sum(), d3 = s3.sum()
    while p < k {
        d0 += x[p] * E.load(w, r0 + p); d1 += x[p] * E.load(w, r1 + p)
        d2 += x[p] * E.load(w, r2 + p); d3 += x[p] * E.load(w, r3 + p)
        p += 1
    }
    c[0] = accumulate ? c[0] + d0 : d0
    c[1] = accumulate ? c[1] + d1 : d1
    c[2] = accumulate ? c[2] + d2 : d2
    c[3] = accumulate ? c[3] + d3 : d3
}

/// A 4 x 4 tile: rows i..<i+4 of A (at `a`, stride `lda`) against W rows j..<j+4 (the first
/// at element `wRow`); 16 accumulators, each x and w chunk loaded once for four FMAs.
@inline(__always)
private func gemmRowsTile4x4<E: GemmElement>(
    k: Int, a: UnsafePointer<Float>, lda: Int, w: UnsafeRawPointer, wRow: Int, ldw: Int,
    c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool, element: E.Type
) {
    let vectorK = k / 16 * 16
    let a0 = a, a1 = a + lda, a2 = a + 2 * lda, a3 = a + 3 * lda
    let w0 = wRow, w1 = wRow + ldw, w2 = wRow + 2 * ldw, w3 = wRow + 3 * ldw
    var s00 = SIMD16<Float>(), s01 = SIMD16<Float>(), s02 = SIMD16<Float>(), s03 = SIMD16<Float>()
    var s10 = SIMD16<Float>(), s11 = SIMD16<Float>(), s12 = SIMD16<Float>(), s13 = SIMD16<Float>()
    var s20 = SIMD16<Float>(), s21 = SIMD16<Float>(), s22 = SIMD16<Float>(), s23 = SIMD16<Float>()
    var s30 = SIMD16<Float>(), s31 = SIMD16<Float>(), s32 = SIMD16<Float>(), s33 = SIMD16<Float>()
    var p = 0
    while p < vectorK {
        let v0 = E.load16(w, w0 + p), v1 = E.load16(w, w1 + p)
        let v2 = E.load16(w, w2 + p), v3 = E.load16(w, w3 + p)
        let x0 = loadFloats16(a0 + p)
        multiplyAdd(&s00, x0, v0); multiplyAdd(&s01, x0, v1); multiplyAdd(&s02, x0, v2); multiplyAdd(&s03, x0, v3)
        let x1 = loadFloats16(a1 + p)
        multiplyAdd(&s10, x1, v0); multiplyAdd(&s11, x1, v1); multiplyAdd(&s12, x1, v2); multiplyAdd(&s13, x1, v3)
        let x2 = loadFloats16(a2 + p)
        multiplyAdd(&s20, x2, v0); multiplyAdd(&s21, x2, v1); multiplyAdd(&s22, x2, v2); multiplyAdd(&s23, x2, v3)
        let x3 = loadFloats16(a3 + p)
        multiplyAdd(&s30, x3, v0); multiplyAdd(&s31, x3, v1); multiplyAdd(&s32, x3, v2); multiplyAdd(&s33, x3, v3)
        p += 16
    }
    let sums = orderedLaneSums(s00, s01, s02, s03, s10, s11, s12, s13,
                               s20, s21, s22, s23, s30, s31, s32, s33)
    for r in 0..<4 {
        let x = a + r * lda
        for col in 0..<4 {
            var d = sums[r * 4 + col]
            var q = vectorK
            let row = wRow + col * ldw
            while q < k {
                d += x[q] * E.load(w, row + q)
                q += 1
            }
            let out = c + r * ldc + col
            out.pointee = accumulate ? out.pointee + d : d
        }
    }
}

/// `v.sum()` of 16 vectors at once: lane e of the result is
/// `((-0 + v_e[0]) + v_e[1]) + ... + v_e[15]`, the order `SIMD.sum()` adds in (so the result
/// is bit for bit that of `sum()`), computed by transposing the 16 x 16 lanes and adding 16
/// vectors in sequence: 64 shuffles and 16 vector adds instead of 16 x 15 scalar adds.
@inline(__always)
func orderedLaneSums(
    _ v0: SIMD16<Float>, _ v1: SIMD16<Float>, _ v2: SIMD16<Float>, _ v3: SIMD16<Float>,
    _ v4: SIMD16<Float>, _ v5: SIMD16<Float>, _ v6: SIMD16<Float>, _ v7: SIMD16<Float>,
    _ v8: SIMD16<Float>, _ v9: SIMD16<Float>, _ v10: SIMD16<Float>, _ v11: SIMD16<Float>,
    _ v12: SIMD16<Float>, _ v13: SIMD16<Float>, _ v14: SIMD16<Float>, _ v15: SIMD16<Float>
) -> SIMD16<Float> {
    // Four rounds of "evens of a then b, odds of a then b" over the pairs (2i, 2i + 1),
    // written to i and i + 8, rotate the 8 index bits (vector, lane) by one each: after
    // four, vector l holds lane l of v0 ... v15 in order.
    var t = LaneBlock(v0, v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11, v12, v13, v14, v15)
    t.transpose()
    var total = SIMD16<Float>(repeating: -0.0)
    total += t.v0; total += t.v1; total += t.v2; total += t.v3
    total += t.v4; total += t.v5; total += t.v6; total += t.v7
    total += t.v8; total += t.v9; total += t.v10; total += t.v11
    total += t.v12; total += t.v13; total += t.v14; total += t.v15
    return total
}

/// 16 vectors being transposed by `orderedLaneSums` and the B packing (kept in registers,
/// no array).
struct LaneBlock {
    var v0, v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11, v12, v13, v14, v15: SIMD16<Float>

    @inline(__always)
    init(_ v0: SIMD16<Float>, _ v1: SIMD16<Float>, _ v2: SIMD16<Float>, _ v3: SIMD16<Float>,
         _ v4: SIMD16<Float>, _ v5: SIMD16<Float>, _ v6: SIMD16<Float>, _ v7: SIMD16<Float>,
         _ v8: SIMD16<Float>, _ v9: SIMD16<Float>, _ v10: SIMD16<Float>, _ v11: SIMD16<Float>,
         _ v12: SIMD16<Float>, _ v13: SIMD16<Float>, _ v14: SIMD16<Float>, _ v15: SIMD16<Float>) {
        (self.v0, self.v1, self.v2, self.v3, self.v4, self.v5, self.v6, self.v7) = (v0, v1, v2, v3, v4, v5, v6, v7)
        (self.v8, self.v9, self.v10, self.v11, self.v12, self.v13, self.v14, self.v15) = (v8, v9, v10, v11, v12, v13, v14, v15)
    }

    @inline(__always)
    static func split(_ a: SIMD16<Float>, _ b: SIMD16<Float>) -> (SIMD16<Float>, SIMD16<Float>) {
        (SIMD16(lowHalf: a.evenHalf, highHalf: b.evenHalf), SIMD16(lowHalf: a.oddHalf, highHalf: b.oddHalf))
    }

    /// Vector l becomes lane l of the original v0 ... v15, in order.
    @inline(__always)
    mutating func transpose() { round(); round(); round(); round() }

    @inline(__always)
    mutating func round() {
        let (n0, n8) = Self.split(v0, v1), (n1, n9) = Self.split(v2, v3)
        let (n2, n10) = Self.split(v4, v5), (n3, n11) = Self.split(v6, v7)
        let (n4, n12) = Self.split(v8, v9), (n5, n13) = Self.split(v10, v11)
        let (n6, n14) = Self.split(v12, v13), (n7, n15) = Self.split(v14, v15)
        (v0, v1, v2, v3, v4, v5, v6, v7) = (n0, n1, n2, n3, n4, n5, n6, n7)
        (v8, v9, v10, v11, v12, v13, v14, v15) = (n8, n9, n10, n11, n12, n13, n14, n15)
    }
}

@inline(__always)
private func loadFloats16(_ p: UnsafePointer<Float>) -> SIMD16<Float> {
    UnsafeRawPointer(p).loadUnaligned(as: SIMD16<Float>.self)
}
