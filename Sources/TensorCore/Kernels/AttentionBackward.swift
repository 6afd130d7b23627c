/// The backward pass of `scaledDotProductAttention` (see Attention.swift for the maths of
/// the forward). With P the probabilities, O the output and dO its gradient, per head:
///
///     dP = dO @ V^T                     [T, S]
///     dZ = P * (dP - rowsum(dO * O))    gradient of the pre-softmax scores
///     dQ = dZ @ K * scale               [T, D]
///     dK += dZ^T @ Q * scale            [S, D]  (summed over the query heads of a KV head)
///     dV += P^T @ dO                    [S, D]
func attentionBackward(q: Tensor, k: Tensor, v: Tensor, keyMask: Tensor?, output: Tensor,
                       logSumExp: Tensor, outputGradient: Tensor, geometry geo: AttentionGeometry)
    -> (q: Tensor, k: Tensor, v: Tensor) {
    precondition(geo.keys == geo.keyCapacity, "attention backward: keyLength is forward-only")
    let (t, s, d) = (geo.queries, geo.keys, geo.headDim)
    let maskTensor = keyMask ?? Tensor.zeros([0])
    var dq = Tensor.zeros(q.shape), dk = Tensor.zeros(k.shape), dv = Tensor.zeros(v.shape)
    q.withUnsafeBufferPointer { qs in k.withUnsafeBufferPointer { ks in v.withUnsafeBufferPointer { vs in
    maskTensor.withUnsafeBufferPointer { ms in output.withUnsafeBufferPointer { os in
    logSumExp.withUnsafeBufferPointer { ls in outputGradient.withUnsafeBufferPointer { gs in
    dq.withUnsafeMutableBufferPointer { dqs in dk.withUnsafeMutableBufferPointer { dks in
    dv.withUnsafeMutableBufferPointer { dvs in
        let Q = SendablePointer(qs.baseAddress!), K = SendablePointer(ks.baseAddress!)
        let V = SendablePointer(vs.baseAddress!), O = SendablePointer(os.baseAddress!)
        let L = SendablePointer(ls.baseAddress!), G = SendablePointer(gs.baseAddress!)
        let DQ = SendablePointer(dqs.baseAddress!), DK = SendablePointer(dks.baseAddress!)
        let DV = SendablePointer(dvs.baseAddress!)
        let M = keyMask == nil ? nil : SendablePointer(ms.baseAddress!)
        // One task per (batch, KV head): it alone writes that head's dK and dV.
        parallelFor(geo.batch * geo.kvHeads) { groupIndex in
            let b = groupIndex / geo.kvHeads
            let kvOffset = groupIndex * s * d
            let probs = UnsafeMutablePointer<Float>.allocate(capacity: max(t * s, 1))
            let dProbs = UnsafeMutablePointer<Float>.allocate(capacity: max(t * s, 1))
            defer { probs.deallocate(); dProbs.deallocate() }
            for member in 0..<geo.group {
                let index = b * geo.queryHeads + (groupIndex % geo.kvHeads) * geo.group + member
                let head = index * t * d
                attentionScores(Q.pointer + head, K.pointer + kvOffset, M.map { $0.pointer + b * s },
                                geo, into: probs)
                for row in 0..<t {
                    let r = probs + row * s, lse = L.pointer[index * t + row]
                    if lse == -.infinity {
                        r.initialize(repeating: 0, count: s)
                    } else {
                        _ = VectorMath.expShifted(r, r, s, shift: lse)
                    }
                }
                // dP = dO @ V^T
                gemm(transA: false, transB: true, m: t, n: s, k: d, a: G.pointer + head, lda: d,
                     b: V.pointer + kvOffset, ldb: d, c: dProbs, ldc: s, accumulate: false, threads: 1)
                for row in 0..<t {
                    let o = O.pointer + head + row * d, g = G.pointer + head + row * d
                    let rowDot = VectorMath.dot(o, g, d)
                    let p = probs + row * s, dp = dProbs + row * s
                    for j in 0..<s { dp[j] = p[j] * (dp[j] - rowDot) * geo.scale }
                }
                // dQ = dZ @ K * scale (scale already folded into dZ)
                gemm(transA: false, transB: false, m: t, n: d, k: s, a: dProbs, lda: s,
                     b: K.pointer + kvOffset, ldb: d, c: DQ.pointer + head, ldc: d,
                     accumulate: false, threads: 1)
                // dK += dZ^T @ Q;  dV += P^T @ dO
                gemm(transA: true, transB: false, m: s, n: d, k: t, a: dProbs, lda: s,
                     b: Q.pointer + head, ldb: d, c: DK.pointer + kvOffset, ldc: d,
                     accumulate: member > 0, threads: 1)
                gemm(transA: true, transB: false, m: s, n: d, k: t, a: probs, lda: s,
                     b: G.pointer + head, ldb: d, c: DV.pointer + kvOffset, ldc: d,
                     accumulate: member > 0, threads: 1)
            }
        }
    }}}}}}}}}}
    return (dq, dk, dv)
}
