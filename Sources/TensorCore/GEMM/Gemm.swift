import Foundation

/// How many threads compute kernels use unless told otherwise: `COLLATE_THREADS` from the
/// environment, else the number of active processors.
public enum Parallelism {
    public static let defaultThreads: Int = {
        if let text = ProcessInfo.processInfo.environment["COLLATE_THREADS"],
           let n = Int(text), n > 0 { return n }
        return max(1, ProcessInfo.processInfo.activeProcessorCount)
    }()
}

/// The GEMM every op calls: C[m, n] (+)= op(A)[m, k] * op(B)[k, n], same conventions as
/// `gemmNaive` (row-major; `transA` reads A as a row-major `[k, m]` matrix, `transB` reads B
/// as a row-major `[n, k]` matrix; `accumulate` adds into C).
///
/// One row or one column goes to a streaming matrix-vector kernel (decoding is
/// `x[1, k] * W^T`); everything else to the packed, cache-blocked SIMD kernel. With
/// `threads > 1` and enough work, tiles of C are shared out between up to `threads` threads;
/// `threads == 1` never leaves the calling thread.
public func gemm(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
    a: UnsafePointer<Float>, lda: Int,
    b: UnsafePointer<Float>, ldb: Int,
    c: UnsafeMutablePointer<Float>, ldc: Int,
    accumulate: Bool, threads: Int = Parallelism.defaultThreads
) {
    guard m > 0, n > 0 else { return }
    guard k > 0 else {
        // An empty sum: C = 0, or C unchanged when accumulating.
        if !accumulate {
            for i in 0..<m { (c + i * ldc).update(repeating: 0, count: n) }
        }
        return
    }
    // Below ~256K multiply-adds (~5 us) a second thread costs more than it saves.
    let parts = max(1, min(threads, m * n * k / (1 << 18)))
    if m == 1 || n == 1 {
        // One thread: measured with the worker pool (collate-bench gemm, ours alone, release),
        // 1x576x1536 ran at 23 GFLOP/s on one thread and 9.8 split over two. The split stays
        // available (`parts`) for when the pool's hand-off gets cheap enough to pay off.
        gemvSplit(transA: transA, transB: transB, m: m, n: n, k: k,
                  operands: GemmPointers(a: a, b: b, c: c), lda: lda, ldb: ldb, ldc: ldc,
                  accumulate: accumulate, parts: 1)
    } else {
        gemmBlocked(transA: transA, transB: transB, m: m, n: n, k: k, a: a, lda: lda, b: b,
                    ldb: ldb, c: c, ldc: ldc, accumulate: accumulate, threads: parts)
    }
}

/// A one-row or one-column GEMM as matrix-vector products, split over the output vector.
private func gemvSplit(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int, operands: GemmPointers,
    lda: Int, ldb: Int, ldc: Int, accumulate: Bool, parts: Int
) {
    let (a, b, c) = (operands.a, operands.b, operands.c)
    // The vector: row 0 of op(A) (m == 1) or column 0 of op(B); the matrix: the other one,
    // as `rows` with stride `ldr`, contiguous over k when `dot`, over the output when not.
    let vectorFrom: UnsafePointer<Float>, vectorStride: Int
    let matrix: UnsafePointer<Float>, ldr: Int, dot: Bool, outStride: Int, length: Int
    if m == 1 {
        (vectorFrom, vectorStride) = (a, transA ? lda : 1)
        (matrix, ldr, dot, outStride, length) = (b, ldb, transB, 1, n)
    } else {
        (vectorFrom, vectorStride) = (b, transB ? 1 : ldb)
        (matrix, ldr, dot, outStride, length) = (a, lda, !transA, ldc, m)
    }
    withUnsafeTemporaryAllocation(of: Float.self, capacity: vectorStride == 1 ? 0 : k) { gathered in
        var x = vectorFrom
        if vectorStride != 1, let base = gathered.baseAddress {
            for p in 0..<k { base[p] = vectorFrom[p * vectorStride] }
            x = UnsafePointer(base)
        }
        let vector = GemmPointers(a: x, b: matrix, c: c)
        // A few chunks per thread, handed out dynamically (see runTasks).
        let chunk = roundUp((length + 3 * parts - 1) / (3 * parts), 64)
        runTasks((length + chunk - 1) / chunk, workers: parts) { part, _ in
            let start = part * chunk, size = min(chunk, length - start)
            let out = vector.c + start * outStride
            if dot {
                gemvDotRows(x: vector.a, k: k, rows: vector.b + start * ldr, ldr: ldr,
                            count: size, out: out, outStride: outStride, accumulate: accumulate)
            } else {
                gemvCombineRows(x: vector.a, k: k, rows: vector.b + start, ldr: ldr,
                                width: size, out: out, outStride: outStride,
                                accumulate: accumulate)
            }
        }
    }
}
