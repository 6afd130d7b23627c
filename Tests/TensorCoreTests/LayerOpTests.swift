import Foundation
import Testing
@testable import TensorCore

@Suite struct LayerOpTests {
    @Test func rmsNormMatchesFormula() {
        let x = Tensor([1, 2, 3, 4, -1, 0, 1, 2], shape: [2, 4])
        let w = Tensor([1, 2, 0.5, 1])
        let y = rmsNorm(x, weight: w, eps: 1e-6)
        var expected: [Float] = []
        for r in 0..<2 {
            let row = (0..<4).map { x[r, $0] }
            let inv = 1 / (row.map { $0 * $0 }.reduce(0, +) / 4 + 1e-6).squareRoot()
            expected += (0..<4).map { row[$0] * inv * w[$0] }
        }
        expectClose(y.scalars, expected)
        GradientCheck.check([randomTensor([2, 3, 5], seed: 21), randomTensor([5], seed: 22)]) { v in
            rmsNorm(v[0], weight: v[1], eps: 1e-5)
        }
    }

    /// HF: q * cos + rotate_half(q) * sin, rotate_half(x) = cat(-x[D/2:], x[:D/2]).
    func naiveRoPE(_ x: Tensor, _ invFreq: [Float], _ positions: (Int, Int) -> Int) -> [Float] {
        let (b, h, t, d) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        var out: [Float] = []
        for bi in 0..<b { for hi in 0..<h { for ti in 0..<t {
            let p = Float(positions(bi, ti))
            for i in 0..<d {
                let f = invFreq[i % (d / 2)]
                let rotated = i < d / 2 ? -x[bi, hi, ti, i + d / 2] : x[bi, hi, ti, i - d / 2]
                out.append(x[bi, hi, ti, i] * Foundation.cos(p * f) + rotated * Foundation.sin(p * f))
            }
        }}}
        return out
    }

    @Test func ropeMatchesRotateHalfAndHonoursOffsets() {
        let invFreq = RoPETable.defaultInverseFrequencies(dimension: 8, theta: 10000)
        #expect(invFreq.count == 4 && invFreq[0] == 1 && abs(invFreq[2] - 0.01) < 1e-7)
        let table = RoPETable(inverseFrequencies: invFreq, maxPositions: 32)
        let x = randomTensor([2, 3, 4, 8], seed: 23)
        expectClose(rope(x, table: table).scalars, naiveRoPE(x, invFreq) { _, t in t })
        expectClose(rope(x, table: table, offset: 5).scalars, naiveRoPE(x, invFreq) { _, t in t + 5 })
        let perBatch = [3, 4, 5, 6, 10, 11, 12, 13]
        expectClose(rope(x, table: table, positions: perBatch).scalars,
                    naiveRoPE(x, invFreq) { b, t in perBatch[b * 4 + t] })
        // A token decoded alone at position 3 equals row 3 of the full sequence.
        let full = rope(x, table: table)
        let last = rope(x.slice(axis: 2, 3..<4), table: table, offset: 3)
        expectClose(last.scalars, full.slice(axis: 2, 3..<4).scalars, tolerance: 0)
        GradientCheck.check([x]) { v in rope(v[0], table: table, positions: perBatch) }
    }

    @Test func siluAndSwiGLU() {
        let x = Tensor([-2, 0, 1.5])
        expectClose(x.silu().scalars, [-2 / (1 + Foundation.exp(2)), 0, 1.5 / (1 + Foundation.exp(-1.5))])
        let up = Tensor([3, 4, -1])
        expectClose(swiglu(gate: x, up: up).scalars, (x.silu() * up).scalars)
        GradientCheck.check([randomTensor([3, 4], seed: 24, low: -3, high: 3)]) { v in v[0].silu() }
        GradientCheck.check([randomTensor([3, 4], seed: 25, low: -3, high: 3), randomTensor([3, 4], seed: 26)]) { v in
            swiglu(gate: v[0], up: v[1])
        }
    }

    @Test func embeddingGathersAndScatterAdds() {
        let table = Tensor((0..<8).map(Float.init), shape: [4, 2])
        let y = embedding(table, ids: [3, 0, 3], idsShape: [1, 3])
        #expect(y.shape == [1, 3, 2] && y.scalars == [6, 7, 0, 1, 6, 7])
        let t = Variable(table, requiresGrad: true)
        embedding(t, ids: [3, 0, 3]).backward(gradient: Tensor([1, 2, 3, 4, 5, 6], shape: [3, 2]))
        #expect(t.grad?.scalars == [3, 4, 0, 0, 0, 0, 6, 8])   // row 3 gets rows 0 and 2
        GradientCheck.check([randomTensor([5, 3], seed: 27)]) { v in embedding(v[0], ids: [1, 4, 1, 0]) }
    }

    @Test func shapeOpGradients() {
        let a = randomTensor([2, 3, 4], seed: 28), b = randomTensor([2, 2, 4], seed: 29)
        GradientCheck.check([a, b]) { v in Variable.concatenate([v[0], v[1]], axis: 1) }
        GradientCheck.check([a]) { v in v[0].slice(axis: 2, 1..<3) }
        GradientCheck.check([a]) { v in v[0].transposed(0, 2) }
        GradientCheck.check([a]) { v in v[0].reshaped([4, 6]) * v[0].reshaped([4, 6]) }
    }
}

@Suite struct CompositeOpTests {
    @Test func linearMatchesMatmulPlusBias() {
        let x = randomTensor([2, 3, 4], seed: 51), w = randomTensor([5, 4], seed: 52), b = randomTensor([5], seed: 53)
        let y = linear(x, weight: w, bias: b)
        expectClose(y.scalars, (matmul(x, w, transposeB: true) + b).scalars, tolerance: 0)
        GradientCheck.check([x, w, b]) { v in linear(v[0], weight: v[1], bias: v[2]) }
    }

    @Test func dropoutIsReproducibleAndScalesKeptElements() {
        var a = SeededRandom(seed: 3), b = SeededRandom(seed: 3)
        let x = Variable(Tensor.ones([1000]), requiresGrad: true)
        let y = dropout(x, probability: 0.25, using: &a)
        #expect(y.value.isBitwiseEqual(dropout(x, probability: 0.25, using: &b).value))
        let kept = y.value.scalars.filter { $0 != 0 }
        #expect(kept.allSatisfy { abs($0 - 4.0 / 3) < 1e-6 })
        #expect(abs(Double(kept.count) / 1000 - 0.75) < 0.05)
        y.sum().backward()
        #expect(x.grad!.scalars == y.value.scalars)       // gradient passes through the mask
        #expect(dropout(x, probability: 0, using: &a) === x)
    }
}
