import Testing
@testable import TensorCore

/// The row kernel and the ragged attention that batched decoding rests on: each row's result
/// is bit for bit that of the row alone (the matrix-vector product, attention of one
/// sequence), whatever the number of rows; and close to a naive reference.
@Suite struct RowKernelTests {
    /// Bits of a tensor's elements, for exact comparison.
    func bits(_ t: Tensor) -> [UInt32] { t.scalars.map(\.bitPattern) }

    @Test func orderedLaneSumsEqualsSumLaneByLane() {
        var rng = SeededRandom(seed: 11)
        for trial in 0..<20 {
            var v = (0..<16).map { _ in SIMD16<Float>((0..<16).map { _ in Float(rng.normal()) * 1000 }) }
            if trial == 0 { v[3] = SIMD16(repeating: -0.0) }            // -0 lanes keep their sign
            if trial == 1 { v[5][0] = 1e30; v[5][1] = -1e30 }          // order-sensitive cancellation
            let joint = orderedLaneSums(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7],
                                        v[8], v[9], v[10], v[11], v[12], v[13], v[14], v[15])
            for e in 0..<16 { #expect(joint[e].bitPattern == v[e].sum().bitPattern, "vector \(e) of trial \(trial)") }
        }
    }

    @Test(arguments: [ScalarEncoding.float32, .float16, .bfloat16])
    func eachRowEqualsTheMatrixVectorProductAlone(encoding: ScalarEncoding) {
        var rng = SeededRandom(seed: 3)
        for (n, k) in [(9, 8), (37, 19), (64, 576), (130, 33)] {
            let w = Tensor.normal([n, k], using: &rng).stored(as: encoding)
            for m in [1, 3, 4, 17] {
                let x = Tensor.normal([m, k], using: &rng)
                let rows = linear(x, weight: w, blockedRows: 0)
                for i in 0..<m {
                    let alone = linear(x.rows(i..<(i + 1)), weight: w)       // m = 1: the matrix-vector kernel
                    #expect(bits(rows.rows(i..<(i + 1))) == bits(alone), "row \(i) of \(m), \(n)x\(k)")
                }
                // And both are the product (naive, in Double).
                let wf = w.stored(as: .float32).scalars, xs = x.scalars, ys = rows.scalars
                for i in 0..<m {
                    for j in 0..<n {
                        var d = 0.0
                        for p in 0..<k { d += Double(xs[i * k + p]) * Double(wf[j * k + p]) }
                        #expect(abs(Double(ys[i * n + j]) - d) < 1e-4 * Double(k))
                    }
                }
            }
        }
    }

    @Test func blockedRowsEqualTheBlockedGemmOfThoseRowsAlone() {
        var rng = SeededRandom(seed: 4)
        let (n, k) = (70, 333)
        let w = Tensor.normal([n, k], using: &rng).stored(as: .float16)
        let bias = Tensor.normal([n], using: &rng)
        let x = Tensor.normal([23, k], using: &rng)
        // Rows 0..<9 blocked (a 5-row and a 4-row "prompt" together), 9..<23 on the row kernel.
        let mixed = linear(x, weight: w, bias: bias, blockedRows: 9)
        #expect(bits(mixed.rows(0..<5)) == bits(linear(x.rows(0..<5), weight: w, bias: bias)))
        #expect(bits(mixed.rows(5..<9)) == bits(linear(x.rows(5..<9), weight: w, bias: bias)))
        for i in 9..<23 {
            #expect(bits(mixed.rows(i..<(i + 1))) == bits(linear(x.rows(i..<(i + 1)), weight: w, bias: bias)))
        }
        // A single blocked row stays on the blocked GEMM: equal to that row inside a taller product.
        let one = linear(x.rows(0..<1), weight: w, bias: bias, blockedRows: 1)
        #expect(bits(one) == bits(mixed.rows(0..<1)))
        // (Which is not what the row kernel gives: the two orders differ, so choosing by the
        // row count, as `linear` does, would make a row's bits depend on its neighbours.)
        #expect(bits(one) != bits(linear(x.rows(0..<1), weight: w, bias: bias, blockedRows: 0)))
    }

    @Test func raggedAttentionEqualsEachSequenceAlone() {
        var rng = SeededRandom(seed: 5)
        let (hq, hkv, d, capacity) = (4, 2, 8, 40)
        // Three sequences in slots 2, 0, 1: a 7-token prompt, one decode token after 12 cached
        // keys, a 1-token prompt.
        let segments = [AttentionSegment(slot: 2, start: 0, count: 7, token: 0),
                        AttentionSegment(slot: 0, start: 12, count: 1, token: 7),
                        AttentionSegment(slot: 1, start: 0, count: 1, token: 8)]
        var keys = Tensor.normal([3, hkv, capacity, d], using: &rng)
        var values = Tensor.normal([3, hkv, capacity, d], using: &rng)
        let q = Tensor.normal([9, hq * d], using: &rng)
        let newKeys = Tensor.normal([9, hkv * d], using: &rng), newValues = Tensor.normal([9, hkv * d], using: &rng)
        keys.writeCache(newKeys, segments: segments)
        values.writeCache(newValues, segments: segments)
        let out = raggedAttention(q: q, keys: keys, values: values, segments: segments, queryHeads: hq)
        for s in segments {
            // The sequence alone through scaledDotProductAttention: q [1, Hq, T, D] and its slot's cache.
            let qs = q.rows(s.token..<(s.token + s.count)).reshaped([1, s.count, hq, d]).transposed(1, 2)
            let k1 = keys.rows(s.slot..<(s.slot + 1)), v1 = values.rows(s.slot..<(s.slot + 1))
            let alone = scaledDotProductAttention(q: qs, k: k1, v: v1, queryOffset: s.start, keyLength: s.start + s.count)
            let back = alone.transposed(1, 2).reshaped([s.count, hq * d])
            #expect(bits(out.rows(s.token..<(s.token + s.count))) == bits(back), "segment \(s)")
        }
    }
}
