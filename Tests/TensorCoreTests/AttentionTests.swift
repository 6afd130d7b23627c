import Foundation
import Testing
@testable import TensorCore

@Suite struct AttentionTests {
    /// Textbook attention in Double: explicit scores, mask, softmax, weighted sum.
    func naiveAttention(q: Tensor, k: Tensor, v: Tensor, offset: Int, mask: Tensor?) -> [Float] {
        let (b, hq, t, d) = (q.shape[0], q.shape[1], q.shape[2], q.shape[3])
        let (hkv, s) = (k.shape[1], k.shape[2])
        let scale = 1 / Double(d).squareRoot()
        var out: [Float] = []
        for bi in 0..<b { for h in 0..<hq { for ti in 0..<t {
            let g = h / (hq / hkv)
            var scores = [Double](repeating: -.infinity, count: s)
            for j in 0..<s where j <= offset + ti {
                var dot = 0.0
                for i in 0..<d { dot += Double(q[bi, h, ti, i]) * Double(k[bi, g, j, i]) }
                scores[j] = dot * scale + Double(mask?[bi, j] ?? 0)
            }
            let m = scores.max()!
            let e = scores.map { m == -.infinity ? 0 : Foundation.exp($0 - m) }
            let z = e.reduce(0, +)
            for i in 0..<d {
                var acc = 0.0
                for j in 0..<s { acc += z == 0 ? 0 : e[j] / z * Double(v[bi, g, j, i]) }
                out.append(Float(acc))
            }
        }}}
        return out
    }

    // B = 2, Hq = 4, Hkv = 2 (groups of two), T = 3 queries after 2 cached keys, S = 5.
    let q = randomTensor([2, 4, 3, 4], seed: 41, low: -2, high: 2)
    let k = randomTensor([2, 2, 5, 4], seed: 42, low: -2, high: 2)
    let v = randomTensor([2, 2, 5, 4], seed: 43)
    /// Batch 1 has its first key padded out.
    let mask = Tensor([0, 0, 0, 0, 0, -.infinity, 0, 0, 0, 0], shape: [2, 5])

    @Test func groupedQueryAttentionWithMaskAndOffsetMatchesNaive() {
        let y = scaledDotProductAttention(q: q, k: k, v: v, queryOffset: 2, keyMask: mask)
        #expect(y.shape == [2, 4, 3, 4])
        expectClose(y.scalars, naiveAttention(q: q, k: k, v: v, offset: 2, mask: mask), tolerance: 1e-5)
        let plain = scaledDotProductAttention(q: q.slice(axis: 2, 0..<3), k: k.slice(axis: 2, 0..<3),
                                              v: v.slice(axis: 2, 0..<3))
        expectClose(plain.scalars, naiveAttention(q: q, k: k.slice(axis: 2, 0..<3), v: v.slice(axis: 2, 0..<3),
                                                  offset: 0, mask: nil), tolerance: 1e-5)
    }

    @Test func cachePathReadsOnlyTheValidKeysAndMatchesFullSequence() {
        // The last query alone, against a cache with room for 8 keys of which 5 are valid,
        // equals the last row of the full causal attention.
        let full = scaledDotProductAttention(q: q, k: k, v: v, queryOffset: 2)
        let capacity = Tensor.concatenate([k, Tensor.full([2, 2, 3, 4], 99)], axis: 2)
        let values = Tensor.concatenate([v, Tensor.full([2, 2, 3, 4], 99)], axis: 2)
        let step = scaledDotProductAttention(q: q.slice(axis: 2, 2..<3), k: capacity, v: values,
                                             queryOffset: 4, keyLength: 5)
        expectClose(step.scalars, full.slice(axis: 2, 2..<3).scalars, tolerance: 1e-6)
    }

    @Test func queryThatSeesNoKeyGivesZeros() {
        let allMasked = Tensor.full([2, 5], -.infinity)
        let y = scaledDotProductAttention(q: q, k: k, v: v, queryOffset: 2, keyMask: allMasked)
        #expect(y.scalars.allSatisfy { $0 == 0 })
    }

    @Test func gradientsWithGroupsMaskAndOffset() {
        GradientCheck.check([q, k, v], tolerance: 2e-2) { vars in
            scaledDotProductAttention(q: vars[0], k: vars[1], v: vars[2], queryOffset: 2, keyMask: mask)
        }
        // Square causal case, one KV head shared by three query heads.
        let q3 = randomTensor([1, 3, 4, 2], seed: 44), k3 = randomTensor([1, 1, 4, 2], seed: 45)
        let v3 = randomTensor([1, 1, 4, 2], seed: 46)
        GradientCheck.check([q3, k3, v3]) { vars in
            scaledDotProductAttention(q: vars[0], k: vars[1], v: vars[2])
        }
    }

    @Test func attentionGradientsAreBitwiseReproducible() {
        func grads() -> [Tensor] {
            let vars = [q, k, v].map { Variable($0, requiresGrad: true) }
            scaledDotProductAttention(q: vars[0], k: vars[1], v: vars[2], queryOffset: 2, keyMask: mask)
                .square().sum().backward()
            return vars.map { $0.grad! }
        }
        let first = grads(), second = grads()
        #expect(zip(first, second).allSatisfy { $0.isBitwiseEqual($1) })
    }
}
