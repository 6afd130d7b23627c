import Foundation
import Testing
@testable import TensorCore

/// The fast `gemm` against `gemmNaive` on shapes that hit every path: one row / one column
/// (matrix-vector kernels), edges of the 6x16 tile, K blocks (k > 320), M blocks (m > 144),
/// N panels (n > 4080), empty dimensions, all four transpositions, padded leading
/// dimensions, accumulate on and off, 1 and 2 threads.
@Suite struct GemmTests {
    struct Shape: CustomStringConvertible, Sendable {
        let m: Int, n: Int, k: Int
        var description: String { "\(m)x\(k)@\(k)x\(n)" }
    }

    static let shapes: [Shape] = [
        Shape(m: 1, n: 1, k: 1), Shape(m: 2, n: 3, k: 1), Shape(m: 6, n: 16, k: 8),
        Shape(m: 1, n: 37, k: 19), Shape(m: 37, n: 1, k: 19), Shape(m: 7, n: 33, k: 127),
        Shape(m: 65, n: 129, k: 257), Shape(m: 13, n: 17, k: 641), Shape(m: 150, n: 40, k: 20),
        Shape(m: 200, n: 70, k: 40), Shape(m: 3, n: 4100, k: 2), Shape(m: 1, n: 2000, k: 300),
        Shape(m: 2000, n: 1, k: 300), Shape(m: 0, n: 5, k: 3), Shape(m: 5, n: 0, k: 3),
        Shape(m: 4, n: 5, k: 0),
    ]

    /// Uniform [-1, 1) numbers, enough for the largest operand above (2000 x 303) plus offsets.
    static let pool: [Float] = {
        var random = SplitMix(seed: 2024)
        return (0..<700_000).map { _ in random.nextSigned() }
    }()

    @Test(arguments: shapes)
    func fastMatchesNaive(shape: Shape) {
        var worst: Float = 0
        for transA in [false, true] {
            for transB in [false, true] {
                for accumulate in [false, true] {
                    for threads in [1, 2] {
                        // Leading dimensions wider than the matrices (pad 0 and 3).
                        let pad = threads == 1 ? 0 : 3
                        worst = max(worst, check(shape, transA: transA, transB: transB,
                                                 accumulate: accumulate, threads: threads,
                                                 pad: pad))
                    }
                }
            }
        }
        print("gemm \(shape): max abs diff vs naive \(worst)")
    }

    @Test func handComputedTwoByTwo() {
        // [1 2; 3 4] x [5 6; 7 8] = [19 22; 43 50]; then += A^T B = [26 30; 38 44]
        let a: [Float] = [1, 2, 3, 4], b: [Float] = [5, 6, 7, 8]
        var c = [Float](repeating: -1, count: 4)
        gemm(transA: false, transB: false, m: 2, n: 2, k: 2, a: a, lda: 2, b: b, ldb: 2,
             c: &c, ldc: 2, accumulate: false, threads: 1)
        #expect(c == [19, 22, 43, 50])
        gemm(transA: true, transB: false, m: 2, n: 2, k: 2, a: a, lda: 2, b: b, ldb: 2,
             c: &c, ldc: 2, accumulate: true, threads: 2)
        #expect(c == [45, 52, 81, 94])
    }

    /// Runs one variant, expects agreement with the naive kernel within a tolerance that
    /// grows with sqrt(k) (Float rounding of a k-term sum) and expects the padding columns
    /// of C untouched. Returns the largest absolute difference.
    private func check(
        _ s: Shape, transA: Bool, transB: Bool, accumulate: Bool, threads: Int, pad: Int,
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> Float {
        // Stored shapes: A [m, k] or [k, m]; B [k, n] or [n, k]; C [m, n] with ldc = n + pad.
        let (aRows, aCols) = transA ? (s.k, s.m) : (s.m, s.k)
        let (bRows, bCols) = transB ? (s.n, s.k) : (s.k, s.n)
        let lda = aCols + pad, ldb = bCols + pad, ldc = s.n + pad
        // Operands are slices of one random pool at shape-dependent offsets (generating
        // fresh numbers per variant is most of the time of this debug-built test).
        let offset = (s.m * 7 + s.n * 13 + s.k * 17) % 1000
        let a = Array(Self.pool[offset..<offset + max(1, aRows * lda)])
        let b = Array(Self.pool[(offset + 1)..<(offset + 1 + max(1, bRows * ldb))])
        let initial = Array(Self.pool[(offset + 2)..<(offset + 2 + max(1, s.m * ldc))])
        var fast = initial, slow = initial
        gemm(transA: transA, transB: transB, m: s.m, n: s.n, k: s.k, a: a, lda: max(1, lda),
             b: b, ldb: max(1, ldb), c: &fast, ldc: max(1, ldc), accumulate: accumulate,
             threads: threads)
        gemmNaive(transA: transA, transB: transB, m: s.m, n: s.n, k: s.k, a: a, lda: max(1, lda),
                  b: b, ldb: max(1, ldb), c: &slow, ldc: max(1, ldc), accumulate: accumulate)
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
        let variant = "\(s) transA \(transA) transB \(transB) acc \(accumulate) threads \(threads)"
        #expect(worst <= tolerance, "max abs diff \(worst) > \(tolerance): \(variant)",
                sourceLocation: sourceLocation)
        #expect(!padTouched, "wrote outside C: \(variant)", sourceLocation: sourceLocation)
        return worst
    }
}

/// A tiny seeded generator (SplitMix64) so the test data is the same on every run.
private struct SplitMix {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform in [-1, 1).
    mutating func nextSigned() -> Float { Float(next() >> 40) / Float(1 << 23) - 1 }
}
