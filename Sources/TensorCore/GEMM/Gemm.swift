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
    gemm(transA: transA, transB: transB, m: m, n: n, k: k, a: a, lda: lda, b: GemmMatrix(b), ldb: ldb,
         c: c, ldc: ldc, accumulate: accumulate, threads: threads)
}

/// `gemm` with B stored as Float32, F16 or BF16 words (`b.encoding`); leading dimensions
/// and offsets count elements. 16-bit B is widened in registers (matrix-vector) or while
/// packing (blocked): results equal the Float32 GEMM on the widened B up to summation order.
func gemm(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
    a: UnsafePointer<Float>, lda: Int,
    b: GemmMatrix, ldb: Int,
    c: UnsafeMutablePointer<Float>, ldc: Int,
    accumulate: Bool, threads: Int = Parallelism.defaultThreads
) {
    switch b.encoding {
    case .float32:
        gemm(transA: transA, transB: transB, m: m, n: n, k: k, a: a, lda: lda, b: b.base, ldb: ldb,
             c: c, ldc: ldc, accumulate: accumulate, threads: threads, element: Float32Elements.self)
    case .float16:
        gemm(transA: transA, transB: transB, m: m, n: n, k: k, a: a, lda: lda, b: b.base, ldb: ldb,
             c: c, ldc: ldc, accumulate: accumulate, threads: threads, element: Float16Elements.self)
    case .bfloat16:
        gemm(transA: transA, transB: transB, m: m, n: n, k: k, a: a, lda: lda, b: b.base, ldb: ldb,
             c: c, ldc: ldc, accumulate: accumulate, threads: threads, element: BFloat16Elements.self)
    case .q8_0, .q4_0, .q4_1:
        quantizedGemm(transA: transA, transB: transB, m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb,
                      c: c, ldc: ldc, accumulate: accumulate, threads: threads)
    }
}

func gemm<E: GemmElement>(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
    a: UnsafePointer<Float>, lda: Int,
    b: UnsafeRawPointer, ldb: Int,
    c: UnsafeMutablePointer<Float>, ldc: Int,
    accumulate: Bool, threads: Int, element: E.Type
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
        gemvSplit(transA: transA, transB: transB, m: m, n: n, k: k,
                  operands: GemmPointers(a: a, b: b, c: c), lda: lda, ldb: ldb, ldc: ldc,
                  accumulate: accumulate, parts: gemvParts(m: m, n: n, k: k, threads: parts),
                  element: E.self)
    } else {
        gemmBlocked(transA: transA, transB: transB, m: m, n: n, k: k, a: a, lda: lda, b: b,
                    ldb: ldb, c: c, ldc: ldc, accumulate: accumulate, threads: parts, element: E.self)
    }
}

/// Threads for a matrix-vector product: one below `gemvSplitMultiplyAdds`, else `threads`.
private func gemvParts(m: Int, n: Int, k: Int, threads: Int) -> Int {
    m * n * k >= gemvSplitMultiplyAdds ? threads : 1
}

/// Multiply-adds from which a matrix-vector product is shared between threads
/// (`COLLATE_GEMV_SPLIT` overrides it, for measuring). A matrix that sits in cache does not
/// gain: 1x576x1536 repeated (collate-bench gemm) ran at 23 GFLOP/s on one thread and 9.8
/// split over two. But a decode step streams every weight from memory, where a second core
/// adds bandwidth (12-15 GB/s for one core, 22-28 for two here): on a quiet machine the
/// SmolLM2-135M-shaped greedy decode (collate-bench model --only decode) ran at 1.69-1.71x
/// torch with only the 49152x576 head split (8M), 2.21x splitting from 400k and 2.14x from
/// 100k. 2^18 splits the MLP (885k) and q/o (332k) matrices of that shape and leaves the
/// demo model's (at most 45k) on one thread, where a hand-off costs more than it saves.
let gemvSplitMultiplyAdds: Int = {
    if let text = ProcessInfo.processInfo.environment["COLLATE_GEMV_SPLIT"], let value = Int(text), value > 0 {
        return value
    }
    return 1 << 18
}()

/// A one-row or one-column GEMM as matrix-vector products, split over the output vector.
/// The matrix is B (read as `E`) when m == 1 and A (Float32) when n == 1; in the second
/// case the vector, a column of op(B), is gathered and widened first.
private func gemvSplit<E: GemmElement>(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int, operands: GemmPointers,
    lda: Int, ldb: Int, ldc: Int, accumulate: Bool, parts: Int, element: E.Type
) {
    let (a, b, c) = (operands.a, operands.b, operands.c)
    if m == 1 {
        // The vector: row 0 of op(A); the matrix: B, contiguous over k when transB.
        withGemvVector(UnsafeRawPointer(a), stride: transA ? lda : 1, k: k, element: Float32Elements.self) { x in
            gemvParts(GemmPointers(a: x, b: b, c: c), k: k, ldr: ldb, dot: transB, outStride: 1,
                      length: n, accumulate: accumulate, parts: parts, element: E.self)
        }
    } else {
        // The vector: column 0 of op(B); the matrix: A, contiguous over k unless transA.
        withGemvVector(b, stride: transB ? 1 : ldb, k: k, element: E.self) { x in
            gemvParts(GemmPointers(a: x, b: UnsafeRawPointer(a), c: c), k: k, ldr: lda, dot: !transA,
                      outStride: ldc, length: m, accumulate: accumulate, parts: parts,
                      element: Float32Elements.self)
        }
    }
}

/// Calls `body` with `k` elements at `source` (element stride `stride`) as contiguous
/// Float32: the source itself when it already is, else a gathered, widened copy.
private func withGemvVector<E: GemmElement>(
    _ source: UnsafeRawPointer, stride: Int, k: Int, element: E.Type,
    _ body: (UnsafePointer<Float>) -> Void
) {
    if stride == 1 && E.self == Float32Elements.self {
        body(source.assumingMemoryBound(to: Float.self))
        return
    }
    withUnsafeTemporaryAllocation(of: Float.self, capacity: k) { gathered in
        guard let base = gathered.baseAddress else { return }
        for p in 0..<k { base[p] = E.load(source, p * stride) }
        body(UnsafePointer(base))
    }
}

/// The matrix-vector product of `vector.a` (k floats) with the matrix `vector.b` (row
/// stride `ldr`, elements `E`) into `vector.c`, in chunks of the output shared by `parts`.
private func gemvParts<E: GemmElement>(
    _ vector: GemmPointers, k: Int, ldr: Int, dot: Bool, outStride: Int, length: Int,
    accumulate: Bool, parts: Int, element: E.Type
) {
    // A few chunks per thread, handed out dynamically (see runTasks), in multiples of 32
    // outputs: whole cache lines of y (threads never write the same line) and, when the
    // chunks are columns of a block-quantized matrix, whole 32-element blocks. Multiples of
    // 64 cut a 576-row matrix into 4.5 chunks, which two threads finish at 320 rows' time
    // instead of 288; 32 gives six of 96. Every output's sum is the same whatever the split.
    let chunk = roundUp((length + 3 * parts - 1) / (3 * parts), 32)
    runTasks((length + chunk - 1) / chunk, workers: parts) { part, _ in
        let start = part * chunk, size = min(chunk, length - start)
        let out = vector.c + start * outStride
        if dot, k % 32 == 0, ldr % 32 == 0, let blocks = E.blockFormat {
            // Quantized rows of whole blocks: the block-wise kernel (GemmQuantizedSkinny.swift).
            blocks.dotBlockRows(x: vector.a, k: k, rows: vector.b + E.byteOffset(start * ldr), ldr: ldr,
                                count: size, out: out, outStride: outStride, accumulate: accumulate)
        } else if dot && E.self == Float16Elements.self {
            // F16 rows (decoding's weights): widened in registers (`vcvtph2ps` from memory)
            // four rows at a time, in `gemvDotRows`' order, which is the row kernel's too
            // (`gemmRows`, bit for bit), without its Float32 scratch copy of every row.
            gemvDotRowsF16(x: vector.a, k: k, rows: vector.b + E.byteOffset(start * ldr), ldr: ldr,
                           count: size, out: out, outStride: outStride, accumulate: accumulate)
        } else if dot && E.self != Float32Elements.self && E.blockFormat == nil && outStride == 1 {
            // A 16-bit matrix (decoding's weights): the row kernel widens it four rows at a
            // time into Float32 in L1 and takes the same sums (bit for bit), where the
            // widening inlined into gemvDotRows compiled to an out-of-line call per 8 elements.
            gemmRowsChunk(m: 1, rows: start..<(start + size), k: k, a: vector.a, lda: k, w: vector.b,
                          ldw: ldr, c: vector.c, ldc: 0, accumulate: accumulate, element: E.self)
        } else if dot {
            gemvDotRows(x: vector.a, k: k, rows: vector.b + E.byteOffset(start * ldr), ldr: ldr,
                        count: size, out: out, outStride: outStride, accumulate: accumulate,
                        element: E.self)
        } else {
            gemvCombineRows(x: vector.a, k: k, rows: vector.b + E.byteOffset(start), ldr: ldr,
                            width: size, out: out, outStride: outStride, accumulate: accumulate,
                            element: E.self)
        }
    }
}
