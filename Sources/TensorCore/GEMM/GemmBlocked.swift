/// Cache blocking of the packed GEMM (the BLIS loop nest), single-threaded; `gemm` splits C
/// between threads and runs this on each part.
///
///     for jc in N by NC            B panel  op(B)[pc..<pc+KC, jc..<jc+NC] -> packed (L3)
///       for pc in K by KC (balanced)
///         pack B panel
///         for ic in M by MC        A block  op(A)[ic..<ic+MC, pc..<pc+KC] -> packed (L2)
///           pack A block
///           for jr in NC by 16     B strip  KC x 16 (<= 20 KB, stays in L1)
///             for ir in MC by 6    microkernel on a 6 x 16 tile of C
enum GemmBlocking {
    /// Largest depth of a packed block: a 320 x 16 B strip (20 KB) plus a 320 x 6 A strip
    /// (7.5 KB) fit the 32 KB L1. K is cut into equal blocks no deeper than this (k = 576
    /// gives 2 x 288, not 320 + 256), so no short block pays the C write-back for little work.
    static let kc = 320
    /// Rows of a packed A block: 144 x 320 floats = 180 KB, well inside the 512 KB L2.
    static let mc = 144
    /// Columns of a packed B panel: 320 x 4080 floats = 5 MB, inside the shared 32 MB L3.
    static let nc = 4080
}

/// C[m, n] (+)= op(A)[m, k] * op(B)[k, n] by packed panels; requires m, n, k > 0.
/// Arguments as for `gemm`.
func gemmBlocked(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
    a: UnsafePointer<Float>, lda: Int,
    b: UnsafePointer<Float>, ldb: Int,
    c: UnsafeMutablePointer<Float>, ldc: Int,
    accumulate: Bool
) {
    let mr = GemmTile.rows, nr = GemmTile.columns
    let kBlocks = (k + GemmBlocking.kc - 1) / GemmBlocking.kc
    let kcMax = (k + kBlocks - 1) / kBlocks
    let mcMax = min(GemmBlocking.mc, roundUp(m, mr))
    let ncMax = min(GemmBlocking.nc, roundUp(n, nr))
    let packedA = UnsafeMutableRawPointer.allocate(byteCount: mcMax * kcMax * 4, alignment: 64)
        .bindMemory(to: Float.self, capacity: mcMax * kcMax)
    let packedB = UnsafeMutableRawPointer.allocate(byteCount: ncMax * kcMax * 4, alignment: 64)
        .bindMemory(to: Float.self, capacity: ncMax * kcMax)
    defer {
        packedA.deallocate()
        packedB.deallocate()
    }

    for jc in stride(from: 0, to: n, by: GemmBlocking.nc) {
        let nc = min(GemmBlocking.nc, n - jc)
        for pc in stride(from: 0, to: k, by: kcMax) {
            let kc = min(kcMax, k - pc)
            // Only the first K block may overwrite C; later ones add to it.
            let addToC = accumulate || pc > 0
            let bBlock = transB ? b + jc * ldb + pc : b + pc * ldb + jc
            gemmPackB(transB: transB, kc: kc, columns: nc, b: bBlock, ldb: ldb, packed: packedB)
            for ic in stride(from: 0, to: m, by: GemmBlocking.mc) {
                let mc = min(GemmBlocking.mc, m - ic)
                let aBlock = transA ? a + pc * lda + ic : a + ic * lda + pc
                gemmPackA(transA: transA, rows: mc, kc: kc, a: aBlock, lda: lda, packed: packedA)
                for jr in stride(from: 0, to: nc, by: nr) {
                    let columns = min(nr, nc - jr)
                    let bStrip = packedB + jr * kc
                    for ir in stride(from: 0, to: mc, by: mr) {
                        let rows = min(mr, mc - ir)
                        let aStrip = packedA + ir * kc
                        let tile = c + (ic + ir) * ldc + jc + jr
                        if rows == mr && columns == nr {
                            gemmMicrokernel6x16(kc: kc, aStrip: aStrip, bStrip: bStrip,
                                                c: tile, ldc: ldc, addToC: addToC)
                        } else {
                            gemmMicrokernelEdge(kc: kc, aStrip: aStrip, bStrip: bStrip,
                                                c: tile, ldc: ldc, rows: rows, columns: columns,
                                                addToC: addToC)
                        }
                    }
                }
            }
        }
    }
}

/// The smallest multiple of `step` that is >= `value`.
@inline(__always)
func roundUp(_ value: Int, _ step: Int) -> Int { (value + step - 1) / step * step }
