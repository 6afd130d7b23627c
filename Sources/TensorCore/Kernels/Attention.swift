import Foundation

/// Causal scaled-dot-product attention with grouped KV heads (GQA), fused and stable.
///
///     q: [B, Hq, T, D]   k, v: [B, Hkv, S, D]   (Hq a multiple of Hkv; query head h reads
///                                               KV head h / (Hq / Hkv))
///     out[b, h, t] = softmax_j(q[b,h,t] . k[b,g,j] * scale + mask[b, j]) @ v[b, g, j]
///
/// Query t sits at absolute position `queryOffset + t`; with `causal` it sees keys
/// `j <= queryOffset + t` (the KV-cache case: T new queries after `queryOffset` cached keys).
/// `keyMask` is an optional additive [B, S] mask (0 keeps, -inf drops: padding). A query
/// that sees no key outputs zeros. `keyLength` (forward only) reads only the first
/// `keyLength` positions of k/v, so a preallocated cache [B, Hkv, capacity, D] needs no copy.
///
/// The forward keeps only the per-row log-sum-exp; the backward recomputes the probabilities
/// (FlashAttention's trade: O(T) memory instead of O(T*S)). Work is split over (batch, KV
/// head) groups, each on one thread, so gradient sums over the query heads of a group run in
/// a fixed order (deterministic).
public func scaledDotProductAttention(q: Tensor, k: Tensor, v: Tensor, queryOffset: Int = 0,
                                      keyMask: Tensor? = nil, scale: Float? = nil,
                                      causal: Bool = true, keyLength: Int? = nil) -> Tensor {
    let geometry = AttentionGeometry(q: q, k: k, v: v, keyMask: keyMask, queryOffset: queryOffset,
                                     scale: scale, causal: causal, keyLength: keyLength)
    return attentionForward(q: q, k: k, v: v, keyMask: keyMask, geometry: geometry).output
}

/// Shapes and constants of one attention call.
struct AttentionGeometry: Sendable {
    let batch, queryHeads, kvHeads, queries, keys, headDim, keyCapacity: Int
    let queryOffset: Int
    let scale: Float
    let causal: Bool

    init(q: Tensor, k: Tensor, v: Tensor, keyMask: Tensor?, queryOffset: Int, scale: Float?,
         causal: Bool, keyLength: Int?) {
        precondition(q.rank == 4 && k.rank == 4 && v.rank == 4,
                     "attention: q, k, v must be [B, H, T, D]; got \(q.shape), \(k.shape), \(v.shape)")
        precondition(k.shape == v.shape, "attention: k \(k.shape) and v \(v.shape) differ")
        batch = q.shape[0]; queryHeads = q.shape[1]; queries = q.shape[2]; headDim = q.shape[3]
        kvHeads = k.shape[1]; keyCapacity = k.shape[2]
        keys = keyLength ?? keyCapacity
        precondition(k.shape[0] == batch && k.shape[3] == headDim,
                     "attention: k \(k.shape) does not match q \(q.shape)")
        precondition(kvHeads > 0 && queryHeads % kvHeads == 0,
                     "attention: \(queryHeads) query heads not a multiple of \(kvHeads) KV heads")
        precondition(keys > 0 && keys <= keyCapacity, "attention: keyLength \(keys) not in 1...\(keyCapacity)")
        if let mask = keyMask {
            precondition(mask.shape == [batch, keys], "attention: keyMask \(mask.shape), expected [\(batch), \(keys)]")
        }
        precondition(queryOffset >= 0, "attention: negative queryOffset")
        self.queryOffset = queryOffset
        self.scale = scale ?? 1 / Float(headDim).squareRoot()
        self.causal = causal
    }

    var group: Int { queryHeads / kvHeads }
    /// Keys visible to query t (before the padding mask).
    @inline(__always) func visibleKeys(_ t: Int) -> Int {
        causal ? Swift.max(0, Swift.min(keys, queryOffset + t + 1)) : keys
    }
}

/// Raw scores [T, S] of one query head, scaled and masked (-inf where not visible).
@inline(__always)
func attentionScores(_ qHead: UnsafePointer<Float>, _ kHead: UnsafePointer<Float>,
                     _ mask: UnsafePointer<Float>?, _ geo: AttentionGeometry,
                     into scores: UnsafeMutablePointer<Float>) {
    let (t, s, d) = (geo.queries, geo.keys, geo.headDim)
    gemm(transA: false, transB: true, m: t, n: s, k: d, a: qHead, lda: d, b: kHead, ldb: d,
         c: scores, ldc: s, accumulate: false, threads: 1)
    for row in 0..<t {
        let r = scores + row * s
        let visible = geo.visibleKeys(row)
        for j in 0..<visible { r[j] *= geo.scale }
        if let mask { for j in 0..<visible { r[j] += mask[j] } }
        for j in visible..<s { r[j] = -.infinity }
    }
}

/// Forward pass; also returns the log-sum-exp of every score row, [B, Hq, T].
func attentionForward(q: Tensor, k: Tensor, v: Tensor, keyMask: Tensor?,
                      geometry geo: AttentionGeometry) -> (output: Tensor, logSumExp: Tensor) {
    let (t, s, d) = (geo.queries, geo.keys, geo.headDim)
    let maskTensor = keyMask ?? Tensor.zeros([0])
    var lse = Tensor.zeros([geo.batch, geo.queryHeads, t])
    var out = Tensor.zeros(q.shape)
    q.withUnsafeBufferPointer { qs in k.withUnsafeBufferPointer { ks in v.withUnsafeBufferPointer { vs in
    maskTensor.withUnsafeBufferPointer { ms in
    out.withUnsafeMutableBufferPointer { os in lse.withUnsafeMutableBufferPointer { ls in
        let Q = SendablePointer(qs.baseAddress!), K = SendablePointer(ks.baseAddress!)
        let V = SendablePointer(vs.baseAddress!), O = SendablePointer(os.baseAddress!)
        let L = SendablePointer(ls.baseAddress!)
        let M = keyMask == nil ? nil : SendablePointer(ms.baseAddress!)
        parallelFor(geo.batch * geo.queryHeads) { index in
            let b = index / geo.queryHeads, h = index % geo.queryHeads
            let g = h / geo.group
            let qHead = Q.pointer + index * t * d
            let kvOffset = (b * geo.kvHeads + g) * geo.keyCapacity * d
            let scores = UnsafeMutablePointer<Float>.allocate(capacity: max(t * s, 1))
            defer { scores.deallocate() }
            attentionScores(qHead, K.pointer + kvOffset, M.map { $0.pointer + b * s }, geo, into: scores)
            for row in 0..<t {
                let r = scores + row * s
                L.pointer[index * t + row] = Tensor.logSumExpRow(r, s)
                Tensor.softmaxRow(r, r, s)
            }
            gemm(transA: false, transB: false, m: t, n: d, k: s, a: scores, lda: s,
                 b: V.pointer + kvOffset, ldb: d, c: O.pointer + index * t * d, ldc: d,
                 accumulate: false, threads: 1)
        }
    }}}}}}
    return (out, lse)
}
