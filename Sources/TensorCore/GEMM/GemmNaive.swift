/// The reference GEMM: three loops, Double accumulation, no blocking. Every fast kernel is
/// tested against it. It is deliberately simple; do not optimise it.
///
///     C[m, n] (+)= sum_k op(A)[m, k] * op(B)[k, n]
///
/// `op(A)` is A (row-major `[m, k]`, leading dimension `lda`) or, when `transA`, the transpose
/// of a row-major `[k, m]` matrix. Likewise `op(B)` for B. `accumulate` adds into C instead of
/// overwriting it (used by backward passes, which sum gradients).
public func gemmNaive(
    transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
    a: UnsafePointer<Float>, lda: Int,
    b: UnsafePointer<Float>, ldb: Int,
    c: UnsafeMutablePointer<Float>, ldc: Int,
    accumulate: Bool
) {
    for i in 0..<m {
        for j in 0..<n {
            var sum = 0.0
            for p in 0..<k {
                let x = transA ? a[p * lda + i] : a[i * lda + p]
                let y = transB ? b[j * ldb + p] : b[p * ldb + j]
                sum += Double(x) * Double(y)
            }
            let value = Float(sum)
            c[i * ldc + j] = accumulate ? c[i * ldc + j] + value : value
        }
    }
}
