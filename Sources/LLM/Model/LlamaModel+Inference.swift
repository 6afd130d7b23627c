import TensorCore

/// The inference path: plain `Tensor`s (no tape, no autograd cost) and a KV cache. A prompt
/// is prefilled in one call (T tokens); each decode step is a call with T = 1.
extension LlamaModel {
    /// Which positions get logits: all (scoring) or only the last one (generation: the head
    /// is the largest matrix, and prefill needs just the next-token distribution).
    public enum LogitPositions: Sendable { case all, last }

    /// Runs `ids` ([B * T] row-major, `cache.batch` rows of T new tokens) after the tokens
    /// already in `cache`, appends their keys and values, and returns logits [B, T, vocab]
    /// (or [B, 1, vocab] for `.last`). `isToken` flags padding slots (nil: none).
    public func logits(ids: [Int], isToken: [Bool]? = nil, cache: inout KVCache, adapter: String? = nil,
                       positions which: LogitPositions = .all) -> Tensor {
        let lora = resolveAdapter(adapter)
        let b = cache.batch
        precondition(!ids.isEmpty && ids.count % b == 0, "logits: \(ids.count) ids for \(b) rows")
        let t = ids.count / b
        let offset = cache.length
        let positions = cache.admit(count: t, isNew: isToken)
        let keyMask = cache.keyMask(keys: offset + t)
        var h = TensorCore.embedding(embedding.value, ids: ids, idsShape: [b, t])   // [B, T, hidden]
        for index in layers.indices {
            h = inferenceLayer(h, index, positions: positions, keyMask: keyMask, cache: &cache,
                               offset: offset, adapter: lora)
        }
        cache.advance(by: t)
        if which == .last && t > 1 { h = h.slice(axis: 1, (t - 1)..<t) }         // [B, 1, hidden]
        let normed = rmsNorm(h, weight: finalNorm.value, eps: Float(config.rmsNormEps))
        return linear(normed, weight: head.value)                                  // [B, T|1, vocab]
    }

    /// Convenience: one sequence without a cache kept, logits [T, vocab].
    public func logits(ids: [Int], adapter: String? = nil) -> Tensor {
        var cache = KVCache(config: config, batch: 1, capacity: max(ids.count, 1))
        return logits(ids: ids, cache: &cache, adapter: adapter).reshaped([ids.count, config.vocabSize])
    }

    /// One decoder layer on h [B, T, hidden]; writes this layer's new keys/values at
    /// `offset` in the cache and attends over the first `offset + T`.
    func inferenceLayer(_ h: Tensor, _ index: Int, positions: [Int], keyMask: Tensor?,
                        cache: inout KVCache, offset: Int, adapter: LoRAAdapter?) -> Tensor {
        let layer = layers[index]
        let (b, t) = (h.shape[0], h.shape[1])
        let (heads, kvHeads, headDim) = (config.numAttentionHeads, config.numKeyValueHeads, config.headDim)
        let eps = Float(config.rmsNormEps)
        // Attention block.
        let x = rmsNorm(h, weight: layer.inputNorm.value, eps: eps)                   // [B, T, hidden]
        func heads4(_ y: Tensor, _ n: Int) -> Tensor {
            let split = y.reshaped([b, t, n, headDim])                                // [B, T, n, headDim]
            return t == 1 ? split.reshaped([b, n, 1, headDim]) : split.transposed(1, 2) // [B, n, T, headDim]
        }
        let q = rope(heads4(project(x, layer: index, .q, adapter: adapter), heads), table: ropeTable, positions: positions)
        let k = rope(heads4(project(x, layer: index, .k, adapter: adapter), kvHeads), table: ropeTable, positions: positions)
        let v = heads4(project(x, layer: index, .v, adapter: adapter), kvHeads)
        cache.write(layer: index, keys: k, values: v)
        let attended = scaledDotProductAttention(
            q: q, k: cache.keys[index], v: cache.values[index], queryOffset: offset,
            keyMask: keyMask, keyLength: offset + t)                                  // [B, heads, T, headDim]
        let merged = t == 1 ? attended.reshaped([b, 1, heads * headDim])
            : attended.transposed(1, 2).reshaped([b, t, heads * headDim])           // [B, T, heads * headDim]
        let h1 = h + project(merged, layer: index, .o, adapter: adapter)            // [B, T, hidden]
        // MLP block.
        let y = rmsNorm(h1, weight: layer.postAttentionNorm.value, eps: eps)        // [B, T, hidden]
        let gated = swiglu(gate: project(y, layer: index, .gate, adapter: adapter),
                           up: project(y, layer: index, .up, adapter: adapter))     // [B, T, intermediate]
        return h1 + project(gated, layer: index, .down, adapter: adapter)           // [B, T, hidden]
    }
}
