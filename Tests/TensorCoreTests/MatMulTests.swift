import Testing
@testable import TensorCore

@Suite struct MatMulTests {
    /// Reference: explicit loops over op(a)[i, p] * op(b)[p, j], in Double.
    func naive(_ a: Tensor, _ b: Tensor, _ tA: Bool, _ tB: Bool) -> [Float] {
        let m = tA ? a.shape[1] : a.shape[0], k = tA ? a.shape[0] : a.shape[1]
        let n = tB ? b.shape[0] : b.shape[1]
        var out: [Float] = []
        for i in 0..<m { for j in 0..<n {
            var s = 0.0
            for p in 0..<k { s += Double(tA ? a[p, i] : a[i, p]) * Double(tB ? b[j, p] : b[p, j]) }
            out.append(Float(s))
        }}
        return out
    }

    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func twoDimensionalForwardAndGradients(flags: (Bool, Bool)) {
        let (tA, tB) = flags
        let a = randomTensor(tA ? [5, 3] : [3, 5], seed: 11)
        let b = randomTensor(tB ? [4, 5] : [5, 4], seed: 12)
        let c = matmul(a, b, transposeA: tA, transposeB: tB)
        #expect(c.shape == [3, 4])
        expectClose(c.scalars, naive(a, b, tA, tB))
        GradientCheck.check([a, b]) { v in matmul(v[0], v[1], transposeA: tA, transposeB: tB) }
    }

    @Test func handComputedProduct() {
        let a = Tensor([1, 2, 3, 4], shape: [2, 2]), b = Tensor([5, 6, 7, 8], shape: [2, 2])
        #expect(matmul(a, b).scalars == [19, 22, 43, 50])
        #expect(matmul(a, b, transposeA: true).scalars == [26, 30, 38, 44])
    }

    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func batchedForwardAndGradients(flags: (Bool, Bool)) {
        let (tA, tB) = flags
        let a = randomTensor(tA ? [2, 3, 4, 2] : [2, 3, 2, 4], seed: 13)
        let b = randomTensor(tB ? [2, 3, 5, 4] : [2, 3, 4, 5], seed: 14)
        let c = matmul(a, b, transposeA: tA, transposeB: tB)
        #expect(c.shape == [2, 3, 2, 5])
        let a2 = a.reshaped([6] + Array(a.shape.suffix(2))), b2 = b.reshaped([6] + Array(b.shape.suffix(2)))
        for p in 0..<6 {
            let slice = c.reshaped([6, 10]).rows(p..<(p + 1)).scalars
            expectClose(slice, naive(a2.rows(p..<(p + 1)).reshaped(Array(a.shape.suffix(2))),
                                     b2.rows(p..<(p + 1)).reshaped(Array(b.shape.suffix(2))), tA, tB))
        }
        GradientCheck.check([a, b]) { v in matmul(v[0], v[1], transposeA: tA, transposeB: tB) }
    }

    @Test(arguments: [(false, false), (false, true), (true, false), (true, true)])
    func sharedWeightGradientsSumOverBatch(flags: (Bool, Bool)) {
        // Activations [B, T, D] against a 2-D weight, as a linear layer does.
        let (tA, tB) = flags
        let x = randomTensor(tA ? [2, 4, 3] : [2, 3, 4], seed: 15)
        let w = randomTensor(tB ? [5, 4] : [4, 5], seed: 16)
        let y = matmul(x, w, transposeA: tA, transposeB: tB)
        #expect(y.shape == [2, 3, 5])
        GradientCheck.check([x, w]) { v in matmul(v[0], v[1], transposeA: tA, transposeB: tB) }
        // A 2-D left operand shared across a batched right operand.
        let left = randomTensor([3, 4], seed: 17), right = randomTensor([2, 4, 5], seed: 18)
        GradientCheck.check([left, right]) { v in matmul(v[0], v[1]) }
    }
}
