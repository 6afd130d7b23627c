/// Cache blocking of the packed GEMM (the BLIS loop nest) and its split over threads.
///
///     for jc in N by NC            B panel  op(B)[pc..<pc+KC, jc..<jc+NC] -> packed (L3),
///       for pc in K by KC          packed once, shared by all threads
///         pack B panel             (tasks: groups of strips)
///         for ic in M by MC        A block  op(A)[ic..<ic+MC, pc..<pc+KC] -> packed (L2),
///           pack A block           one buffer per thread
///           for jr in NC by 16     B strip  KC x 16 (<= 18 KB, stays in L1)
///             for ir in MC by 6    microkernel on a 6 x 16 tile of C
///
/// With several threads the (ic, part of the jr range) pairs are the tasks: row blocks
/// alone when there are enough of them, else each row block's columns are cut in parts.
enum GemmBlocking {
    /// Largest depth of a packed block: a 288 x 16 B strip (18 KB) plus a 288 x 6 A strip
    /// (7 KB) fit the 32 KB L1. K is cut into equal blocks no deeper than this (k = 576
    /// gives 2 x 288, not 256 + 256 + 64), so no short block pays the C write-back for little
    /// work. 256, 288 and 320 measured the same within the noise of this machine.
    static var kc: Int { 288 }
    /// Most rows of a packed A block (blocks are evened out below this): 144 x 288 floats =
    /// 162 KB, well inside the 512 KB L2.
    static var mc: Int { 144 }
    /// Columns of a packed B panel: 288 x 4080 floats = 4.7 MB, inside the shared 32 MB L3.
    static var nc: Int { 4080 }
    /// B strips packed per packing task.
    static var stripsPerPackingTask: Int { 8 }
    /// Compute tasks wanted per thread, so a late or preempted thread is made up for.
    static var tasksPerThread: Int { 3 }
}

/// C[m, n] (+)= op(A)[m, k] * op(B)[k, n] by packed panels on up to `threads` threads;
/// requires m, n, k > 0. Arguments as for `gemm`; B's elements are read as `E` (widened
/// while packing).
func gemmBlocked<E: GemmElement>(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
    a: UnsafePointer<Float>, lda: Int,
    b: UnsafeRawPointer, ldb: Int,
    c: UnsafeMutablePointer<Float>, ldc: Int,
    accumulate: Bool, threads: Int, element: E.Type
) {
    let mr = GemmTile.rows, nr = GemmTile.columns
    let kBlocks = (k + GemmBlocking.kc - 1) / GemmBlocking.kc
    let depth = (k + kBlocks - 1) / kBlocks
    let workers = max(1, threads)
    // Row blocks of equal height (a multiple of 6), their count a multiple of the thread
    // count when there are several: 1024 rows on 2 threads are 8 blocks of 128, not 7 of
    // 144 and one of 16 (which left one thread a whole block short at the end).
    var rowBlocks = (m + GemmBlocking.mc - 1) / GemmBlocking.mc
    if workers > 1 && rowBlocks > 1 { rowBlocks = roundUp(rowBlocks, workers) }
    let blockRows = roundUp((m + rowBlocks - 1) / rowBlocks, mr)
    rowBlocks = (m + blockRows - 1) / blockRows
    let mcMax = min(blockRows, roundUp(m, mr))
    let ncMax = min(GemmBlocking.nc, roundUp(n, nr))
    var pointers = GemmPointers(a: a, b: b, c: c)
    let packedA = allocateAligned(workers * mcMax * depth)
    let packedB = allocateAligned(ncMax * depth)
    defer {
        packedA.deallocate()
        packedB.deallocate()
    }
    pointers.packedA = packedA
    pointers.packedB = packedB
    let shared = pointers

    for jc in stride(from: 0, to: n, by: GemmBlocking.nc) {
        let nc = min(GemmBlocking.nc, n - jc)
        let strips = (nc + nr - 1) / nr
        let wanted = workers == 1 ? 1 : GemmBlocking.tasksPerThread * workers
        let partsPerRowBlock = min(strips, max(1, (wanted + rowBlocks - 1) / rowBlocks))
        let stripsPerPart = (strips + partsPerRowBlock - 1) / partsPerRowBlock
        // Recounted so that no part is empty (5 strips in 4 parts of 2 are 3 parts).
        let columnParts = (strips + stripsPerPart - 1) / stripsPerPart
        for pc in stride(from: 0, to: k, by: depth) {
            let kc = min(depth, k - pc)
            // Only the first K block may overwrite C; later ones add to it.
            let addToC = accumulate || pc > 0
            let group = GemmBlocking.stripsPerPackingTask
            runTasks((strips + group - 1) / group, workers: workers) { task, _ in
                let first = task * group * nr
                let columns = min(group * nr, nc - first)
                let column = jc + first
                let bStart = transB ? column * ldb + pc : pc * ldb + column
                gemmPackB(transB: transB, kc: kc, columns: columns, b: shared.b, start: bStart,
                          ldb: ldb, packed: shared.packedB! + first * kc, element: E.self)
            }
            runTasks(rowBlocks * columnParts, workers: workers) { task, worker in
                let ic = task / columnParts * blockRows
                let mc = min(blockRows, m - ic)
                let firstStrip = task % columnParts * stripsPerPart
                let endStrip = min(strips, firstStrip + stripsPerPart)
                let aBlock = transA ? shared.a + pc * lda + ic : shared.a + ic * lda + pc
                let aPacked = shared.packedA! + worker * mcMax * depth
                gemmPackA(transA: transA, rows: mc, kc: kc, a: aBlock, lda: lda, packed: aPacked)
                gemmMacroKernel(
                    mc: mc, kc: kc, strips: firstStrip..<endStrip, nc: nc,
                    aPacked: aPacked, bPacked: shared.packedB!,
                    c: shared.c + ic * ldc + jc, ldc: ldc, addToC: addToC)
            }
        }
    }
}

/// One packed A block (`mc x kc`) times the packed B strips `strips` of a panel `nc` wide,
/// into C (`c` = the block's top-left corner in C). The B strip stays in L1 while the A
/// strips stream from L2.
@inline(__always)
private func gemmMacroKernel(
    mc: Int, kc: Int, strips: Range<Int>, nc: Int,
    aPacked: UnsafePointer<Float>, bPacked: UnsafePointer<Float>,
    c: UnsafeMutablePointer<Float>, ldc: Int, addToC: Bool
) {
    let mr = GemmTile.rows, nr = GemmTile.columns
    for strip in strips {
        let jr = strip * nr
        let columns = min(nr, nc - jr)
        let bStrip = bPacked + jr * kc
        for ir in stride(from: 0, to: mc, by: mr) {
            let rows = min(mr, mc - ir)
            let aStrip = aPacked + ir * kc
            let tile = c + ir * ldc + jr
            if rows == mr && columns == nr {
                gemmMicrokernel6x16(kc: kc, aStrip: aStrip, bStrip: bStrip,
                                    c: tile, ldc: ldc, addToC: addToC)
            } else {
                gemmMicrokernelEdge(kc: kc, aStrip: aStrip, bStrip: bStrip, c: tile, ldc: ldc,
                                    rows: rows, columns: columns, addToC: addToC)
            }
        }
    }
}

/// The smallest multiple of `step` that is >= `value`.
@inline(__always)
func roundUp(_ value: Int, _ step: Int) -> Int { (value + step - 1) / step * step }
