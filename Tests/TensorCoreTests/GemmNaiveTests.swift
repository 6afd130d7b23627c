import Testing
@testable import TensorCore

@Suite struct GemmNaiveTests {
    @Test func twoByTwoMatchesHandComputed() {
        // [1 2; 3 4] x [5 6; 7 8] = [19 22; 43 50]
        let a: [Float] = [1, 2, 3, 4], b: [Float] = [5, 6, 7, 8]
        var c = [Float](repeating: -1, count: 4)
        gemmNaive(transA: false, transB: false, m: 2, n: 2, k: 2, a: a, lda: 2, b: b, ldb: 2,
                  c: &c, ldc: 2, accumulate: false)
        #expect(c == [19, 22, 43, 50])
        // transposed A: A^T = [1 3; 2 4]; A^T B = [26 30; 38 44]; accumulate onto previous C
        gemmNaive(transA: true, transB: false, m: 2, n: 2, k: 2, a: a, lda: 2, b: b, ldb: 2,
                  c: &c, ldc: 2, accumulate: true)
        #expect(c == [45, 52, 81, 94])
    }
}
