/// Attention for a ragged batch: sequences of different lengths in one call, each with its
/// own cache slot, position and key count, no padding and no mask.
///
///     q:    [N, Hq * D]   the new tokens of every segment, packed (token-major, as projected)
///     keys, values: [slots, Hkv, capacity, D]   the cache, this segment's keys already written
///     out:  [N, Hq * D]
///
/// Segment s holds tokens `token ..< token + count` of q: positions `start ..< start + count`
/// of cache slot `slot`. Query t of it sees keys `0 ... start + t` of its slot (causal).
///
/// Each (segment, head) is computed exactly as `scaledDotProductAttention` computes one
/// sequence alone with `queryOffset = start` and no mask (the same GEMM calls on one thread,
/// the same scaling, masking and softmax), so a segment's output depends only on its own
/// queries and keys: batched decoding matches decoding alone bit for bit.
public struct AttentionSegment: Sendable, Equatable {
    public var slot: Int
    public var start: Int
    public var count: Int
    public var token: Int

    public init(slot: Int, start: Int, count: Int, token: Int) {
        self.slot = slot
        self.start = start
        self.count = count
        self.token = token
    }
}

public func raggedAttention(q: Tensor, keys: Tensor, values: Tensor, segments: [AttentionSegment],
                            queryHeads: Int, scale: Float? = nil,
                            threads: Int = Parallelism.defaultThreads) -> Tensor {
    precondition(keys.rank == 4 && keys.shape == values.shape, "raggedAttention: cache \(keys.shape), \(values.shape)")
    let (slots, kvHeads, capacity, d) = (keys.shape[0], keys.shape[1], keys.shape[2], keys.shape[3])
    precondition(kvHeads > 0 && queryHeads % kvHeads == 0, "raggedAttention: \(queryHeads) heads over \(kvHeads)")
    let width = queryHeads * d
    precondition(q.rank == 2 && q.shape[1] == width, "raggedAttention: q \(q.shape), expected [N, \(width)]")
    for s in segments {
        precondition(s.slot >= 0 && s.slot < slots && s.start >= 0 && s.count > 0
                     && s.start + s.count <= capacity && s.token >= 0 && s.token + s.count <= q.shape[0],
                     "raggedAttention: segment \(s) outside q \(q.shape) / cache \(keys.shape)")
    }
    let group = queryHeads / kvHeads
    let factor = scale ?? 1 / Float(d).squareRoot()
    var out = Tensor.zeros(q.shape)
    q.withUnsafeBufferPointer { qs in keys.withUnsafeBufferPointer { ks in values.withUnsafeBufferPointer { vs in
    out.withUnsafeMutableBufferPointer { os in
        let Q = SendablePointer(qs.baseAddress!), K = SendablePointer(ks.baseAddress!)
        let V = SendablePointer(vs.baseAddress!), O = SendablePointer(os.baseAddress!)
        parallelFor(segments.count * queryHeads, threads: threads) { index in
            let segment = segments[index / queryHeads], h = index % queryHeads
            let (t, s) = (segment.count, segment.start + segment.count)
            let kvOffset = (segment.slot * kvHeads + h / group) * capacity * d
            let qHead = Q.pointer + segment.token * width + h * d
            let scores = UnsafeMutablePointer<Float>.allocate(capacity: t * s)
            defer { scores.deallocate() }
            gemm(transA: false, transB: true, m: t, n: s, k: d, a: qHead, lda: width,
                 b: K.pointer + kvOffset, ldb: d, c: scores, ldc: s, accumulate: false, threads: 1)
            for row in 0..<t {
                let r = scores + row * s
                let visible = min(s, segment.start + row + 1)
                for j in 0..<visible { r[j] *= factor }
                for j in visible..<s { r[j] = -.infinity }
                Tensor.softmaxRow(r, r, s)
            }
            gemm(transA: false, transB: false, m: t, n: d, k: s, a: scores, lda: s,
                 b: V.pointer + kvOffset, ldb: d, c: O.pointer + segment.token * width + h * d,
                 ldc: width, accumulate: false, threads: 1)
        }
    }}}}
    return out
}

extension Tensor {
    /// Writes the new keys (or values) `rows` [N, Hkv * D] of each segment into this cache
    /// [slots, Hkv, capacity, D] at its slot and positions (in place: the cache is
    /// preallocated, so a step allocates nothing here).
    public mutating func writeCache(_ rows: Tensor, segments: [AttentionSegment]) {
        precondition(rank == 4, "writeCache: cache must be [slots, Hkv, capacity, D], got \(shape)")
        let (slots, kvHeads, capacity, d) = (shape[0], shape[1], shape[2], shape[3])
        let width = kvHeads * d, cacheShape = shape
        precondition(rows.rank == 2 && rows.shape[1] == width, "writeCache: rows \(rows.shape), expected [N, \(width)]")
        rows.withUnsafeBufferPointer { src in
            withUnsafeMutableBufferPointer { cache in
                for segment in segments {
                    precondition(segment.start + segment.count <= capacity && segment.slot < slots,
                                 "writeCache: segment \(segment) beyond the cache \(cacheShape)")
                    for t in 0..<segment.count {
                        let from = src.baseAddress! + (segment.token + t) * width
                        for g in 0..<kvHeads {
                            let to = cache.baseAddress! + ((segment.slot * kvHeads + g) * capacity + segment.start + t) * d
                            to.update(from: from + g * d, count: d)
                        }
                    }
                }
            }
        }
    }
}
