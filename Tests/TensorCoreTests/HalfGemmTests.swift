import Testing
@testable import TensorCore

/// The GEMM with B stored as F16/BF16 words against `gemmNaive` on the widened B: every
/// path (matrix-vector dot and combine, a column of B as the vector, the packed kernel with
/// tile edges, K blocks, M blocks and N panels, the split matrix-vector product), all four
/// transpositions, padded leading dimensions, accumulate on and off, 1 and 2 threads.
@Suite struct HalfGemmTests {
    struct Shape: CustomStringConvertible, Sendable {
        let m: Int, n: Int, k: Int
        var description: String { "\(m)x\(k)@\(k)x\(n)" }
    }

    static let shapes: [Shape] = [
        Shape(m: 1, n: 1, k: 1), Shape(m: 1, n: 37, k: 19), Shape(m: 37, n: 1, k: 19),
        Shape(m: 1, n: 70, k: 333), Shape(m: 7, n: 33, k: 127), Shape(m: 65, n: 129, k: 257),
        Shape(m: 13, n: 17, k: 641), Shape(m: 150, n: 40, k: 20), Shape(m: 3, n: 4100, k: 2),
        Shape(m: 4, n: 5, k: 0),
    ]

    @Test(arguments: shapes)
    func halfBMatchesNaiveOnWidenedB(shape: Shape) {
        for encoding in [ScalarEncoding.float16, .bfloat16] {
            for transA in [false, true] {
                for transB in [false, true] {
                    for accumulate in [false, true] {
                        for threads in [1, 2] {
                            check(shape, encoding: encoding, transA: transA, transB: transB,
                                  accumulate: accumulate, threads: threads, pad: threads == 1 ? 0 : 3)
                        }
                    }
                }
            }
        }
    }

    /// A decode-sized product above `gemvSplitMultiplyAdds`, so it is shared between threads.
    @Test func splitMatrixVectorMatchesNaive() {
        let k = 1031, n = gemvSplitMultiplyAdds / k + 77
        #expect(n * k >= gemvSplitMultiplyAdds)
        for encoding in [ScalarEncoding.float16, .bfloat16] {
            check(Shape(m: 1, n: n, k: k), encoding: encoding, transA: false, transB: true,
                  accumulate: false, threads: 2, pad: 0)
        }
    }

    /// One variant: B narrowed to `encoding`, the fast GEMM on the 16-bit words, the naive
    /// one on the same values widened; expects agreement within sqrt(k) Float rounding and
    /// the padding columns of C untouched.
    private func check(
        _ s: Shape, encoding: ScalarEncoding, transA: Bool, transB: Bool, accumulate: Bool,
        threads: Int, pad: Int, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let (aRows, aCols) = transA ? (s.k, s.m) : (s.m, s.k)
        let (bRows, bCols) = transB ? (s.n, s.k) : (s.k, s.n)
        let lda = max(1, aCols + pad), ldb = max(1, bCols + pad), ldc = max(1, s.n + pad)
        var random = SeededRandom(seed: UInt64(s.m * 31 + s.n * 7 + s.k))
        let a = (0..<max(1, aRows * lda)).map { _ in Float(random.uniform()) * 2 - 1 }
        let b = (0..<max(1, bRows * ldb)).map { _ in Float(random.uniform()) * 2 - 1 }
        let initial = (0..<max(1, s.m * ldc)).map { _ in Float(random.uniform()) * 2 - 1 }
        let words = b.map { encoding == .float16 ? HalfPrecision.f16(from: $0) : HalfPrecision.bf16(from: $0) }
        let widened = words.map { encoding == .float16 ? HalfPrecision.float(fromF16: $0) : HalfPrecision.float(fromBF16: $0) }
        var fast = initial, slow = initial
        words.withUnsafeBytes { raw in
            a.withUnsafeBufferPointer { pa in
                fast.withUnsafeMutableBufferPointer { pc in
                    gemm(transA: transA, transB: transB, m: s.m, n: s.n, k: s.k, a: pa.baseAddress!, lda: lda,
                         b: GemmMatrix(base: raw.baseAddress!, encoding: encoding), ldb: ldb,
                         c: pc.baseAddress!, ldc: ldc, accumulate: accumulate, threads: threads)
                }
            }
        }
        gemmNaive(transA: transA, transB: transB, m: s.m, n: s.n, k: s.k, a: a, lda: lda,
                  b: widened, ldb: ldb, c: &slow, ldc: ldc, accumulate: accumulate)
        var worst: Float = 0, padTouched = false
        for i in 0..<s.m {
            for j in 0..<ldc {
                let index = i * ldc + j
                if j < s.n {
                    worst = max(worst, abs(fast[index] - slow[index]))
                } else if fast[index] != initial[index] {
                    padTouched = true
                }
            }
        }
        let tolerance = 1e-4 * Float(max(1, s.k)).squareRoot()
        let variant = "\(s) \(encoding) transA \(transA) transB \(transB) acc \(accumulate) threads \(threads)"
        #expect(worst <= tolerance, "max abs diff \(worst) > \(tolerance): \(variant)", sourceLocation: sourceLocation)
        #expect(!padTouched, "wrote outside C: \(variant)", sourceLocation: sourceLocation)
    }
}
