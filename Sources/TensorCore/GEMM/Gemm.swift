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
public func gemm(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
    a: UnsafePointer<Float>, lda: Int,
    b: UnsafePointer<Float>, ldb: Int,
    c: UnsafeMutablePointer<Float>, ldc: Int,
    accumulate: Bool, threads: Int = Parallelism.defaultThreads
) {
    // Until the packed SIMD kernel lands this forwards to the reference.
    gemmNaive(transA: transA, transB: transB, m: m, n: n, k: k, a: a, lda: lda, b: b, ldb: ldb,
              c: c, ldc: ldc, accumulate: accumulate)
}
