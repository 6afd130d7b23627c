import TensorCore

/// One sequence's part of a ragged forward step: `tokens` new tokens appended to cache slot
/// `slot` (a whole prompt when the slot starts a sequence, one token when it decodes),
/// through adapter `adapter` (nil: the base).
public struct RaggedSegment: Sendable, Equatable {
    public var slot: Int
    public var tokens: [Int]
    public var adapter: String?

    public init(slot: Int, tokens: [Int], adapter: String? = nil) {
        self.slot = slot
        self.tokens = tokens
        self.adapter = adapter
    }
}

/// The ragged (batched) inference path: many sequences of different lengths in one forward
/// pass, packed without padding. The base matrices run once over every token; each LoRA
/// adapter's low-rank update runs only over the tokens of its own segments (multi-LoRA).
///
/// Batch invariance: which kernel a token's products run on is decided by its own segment
/// (several tokens: the blocked GEMM, as a prompt prefilled alone; one token: the row kernel,
/// the matrix-vector product's order), and attention is computed per segment, so a
/// sequence's logits do not depend on the other segments of the step, nor on their number.
/// They also equal `logits(ids:cache:)` of the sequence alone, bit for bit.
extension LlamaModel {
    /// Runs `segments` (at most one per slot) after what their slots already hold and returns,
    /// for each segment in order, the logits of its last token: [segments.count, vocab]
    /// (`allPositions`: of every token, [total tokens, vocab], segment by segment).
    public func raggedLogits(_ segments: [RaggedSegment], cache: inout BatchKVCache,
                             allPositions: Bool = false) -> Tensor {
        precondition(!segments.isEmpty, "raggedLogits: no segments")
        precondition(Set(segments.map(\.slot)).count == segments.count, "raggedLogits: two segments for one slot")
        // Pack many-token segments first (blocked GEMM), then one-token ones (row kernel).
        let order = segments.indices.filter { segments[$0].tokens.count > 1 }
            + segments.indices.filter { segments[$0].tokens.count == 1 }
        var packed: [AttentionSegment] = []
        var ids: [Int] = [], positions: [Int] = []
        var tokenAdapter: [String?] = []
        var blockedTokens = 0
        var packedStart = [Int](repeating: 0, count: segments.count)
        for index in order {
            let segment = segments[index]
            precondition(!segment.tokens.isEmpty, "raggedLogits: an empty segment for slot \(segment.slot)")
            let start = cache.lengths[segment.slot]
            precondition(start + segment.tokens.count <= cache.capacity && start + segment.tokens.count <= contextLength,
                         "raggedLogits: slot \(segment.slot) would hold \(start + segment.tokens.count) tokens (capacity \(cache.capacity))")
            packedStart[index] = ids.count
            packed.append(AttentionSegment(slot: segment.slot, start: start, count: segment.tokens.count, token: ids.count))
            if segment.tokens.count > 1 { blockedTokens += segment.tokens.count }
            ids += segment.tokens
            positions += Array(start..<(start + segment.tokens.count))
            tokenAdapter += Array(repeating: segment.adapter, count: segment.tokens.count)
        }
        let plan = RaggedPlan(blockedTokens: blockedTokens, groups: adapterGroups(tokenAdapter, blocked: blockedTokens))
        var h = TensorCore.embedding(embedding.value, ids: ids, idsShape: [ids.count])   // [N, hidden]
        for index in layers.indices {
            h = raggedLayer(h, index, positions: positions, segments: packed, cache: &cache, plan: plan)
        }
        for segment in packed { cache.advance(slot: segment.slot, by: segment.count) }
        // The rows whose logits are wanted, in packed order. Like `logits(ids:cache:)`, the
        // head runs a prompt's last position alone on the row kernel (a one-row product
        // there), and every position of a many-token segment on the blocked GEMM.
        var rows: [Int] = [], headBlocked = 0
        var firstRow = [Int](repeating: 0, count: segments.count)
        for index in order {
            let count = segments[index].tokens.count
            firstRow[index] = rows.count
            if allPositions {
                rows += Array(packedStart[index]..<(packedStart[index] + count))
                if count > 1 { headBlocked += count }
            } else {
                rows.append(packedStart[index] + count - 1)
            }
        }
        let normed = rmsNorm(h.gatheringRows(rows), weight: finalNorm.value, eps: Float(config.rmsNormEps))
        let logits = linear(normed, weight: head.value, blockedRows: headBlocked)
        // Back to the caller's segment order.
        var callerRows: [Int] = []
        for index in segments.indices {
            let count = allPositions ? segments[index].tokens.count : 1
            callerRows += Array(firstRow[index]..<(firstRow[index] + count))
        }
        return callerRows == Array(0..<rows.count) ? logits : logits.gatheringRows(callerRows)
    }

    /// One decoder layer over the packed tokens h [N, hidden].
    func raggedLayer(_ h: Tensor, _ index: Int, positions: [Int], segments: [AttentionSegment],
                     cache: inout BatchKVCache, plan: RaggedPlan) -> Tensor {
        let layer = layers[index]
        let n = h.shape[0]
        let (heads, kvHeads, headDim) = (config.numAttentionHeads, config.numKeyValueHeads, config.headDim)
        let eps = Float(config.rmsNormEps)
        let x = rmsNorm(h, weight: layer.inputNorm.value, eps: eps)                                  // [N, hidden]
        let q = rope(project(x, layer: index, .q, plan: plan).reshaped([n, heads, 1, headDim]),
                     table: ropeTable, positions: positions).reshaped([n, heads * headDim])
        let k = rope(project(x, layer: index, .k, plan: plan).reshaped([n, kvHeads, 1, headDim]),
                     table: ropeTable, positions: positions).reshaped([n, kvHeads * headDim])
        let v = project(x, layer: index, .v, plan: plan)                                             // [N, kv * headDim]
        cache.write(layer: index, keys: k, values: v, segments: segments)
        let attended = raggedAttention(q: q, keys: cache.keys[index], values: cache.values[index],
                                       segments: segments, queryHeads: heads)                       // [N, heads * headDim]
        let h1 = h + project(attended, layer: index, .o, plan: plan)
        let y = rmsNorm(h1, weight: layer.postAttentionNorm.value, eps: eps)
        let gated = swiglu(gate: project(y, layer: index, .gate, plan: plan),
                           up: project(y, layer: index, .up, plan: plan))
        return h1 + project(gated, layer: index, .down, plan: plan)
    }

    /// A projection over packed tokens: the base once over all of them, then each adapter's
    /// update over its own tokens (`y + update * scale`, as the single-sequence path adds it).
    func project(_ x: Tensor, layer: Int, _ target: LoRATarget, plan: RaggedPlan) -> Tensor {
        let weights = layers[layer]
        var y = linear(x, weight: weights.weight(target).value, bias: weights.bias(target)?.value,
                       blockedRows: plan.blockedTokens)
        for group in plan.groups {
            guard let pair = group.adapter.layers[layer][target] else { continue }
            let rows = x.gatheringRows(group.tokens)
            let low = linear(rows, weight: pair.a.value, blockedRows: group.blockedTokens)       // [n_s, r]
            let update = linear(low, weight: pair.b.value, blockedRows: group.blockedTokens)     // [n_s, out]
            y.addRows(update, scaledBy: group.adapter.configuration.scale, at: group.tokens)
        }
        return y
    }

    /// The tokens of each adapter named in `tokenAdapter` (packed order, so each group's
    /// blocked tokens come first too).
    func adapterGroups(_ tokenAdapter: [String?], blocked: Int) -> [RaggedPlan.Group] {
        var byName: [String: [Int]] = [:]
        var names: [String] = []
        for (token, name) in tokenAdapter.enumerated() {
            guard let name else { continue }
            if byName[name] == nil { names.append(name) }
            byName[name, default: []].append(token)
        }
        return names.compactMap { name in
            guard let adapter = resolveAdapter(name) else { return nil }
            let tokens = byName[name] ?? []
            return RaggedPlan.Group(adapter: adapter, tokens: tokens,
                                    blockedTokens: tokens.filter { $0 < blocked }.count)
        }
    }
}

/// How one ragged step's tokens are split between kernels and adapters.
struct RaggedPlan {
    struct Group {
        let adapter: LoRAAdapter
        /// Packed token indices, ascending.
        let tokens: [Int]
        /// How many of `tokens` belong to many-token segments (they come first).
        let blockedTokens: Int
    }
    /// Tokens `0 ..< blockedTokens` belong to many-token segments.
    let blockedTokens: Int
    let groups: [Group]
}
