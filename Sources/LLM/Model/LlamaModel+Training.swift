import TensorCore

/// The training path: the whole batch through the model on `Variable`s, recording the tape.
/// Gradients reach whichever leaves require them: every base parameter for full
/// fine-tuning (`setBaseTrainable(true)`), only the adapter's factors for LoRA training.
extension LlamaModel {
    /// Logits [B, T, vocab] of `batch` with the adapter `adapter` (nil: base alone).
    public func trainingLogits(_ batch: TokenBatch, adapter: String? = nil) -> Variable {
        let lora = resolveAdapter(adapter)
        let (b, t) = (batch.batch, batch.length)
        let positions = batch.positions, keyMask = batch.keyMask
        var h = TensorCore.embedding(embedding, ids: batch.ids, idsShape: [b, t])   // [B, T, hidden]
        for index in layers.indices {
            h = trainingLayer(h, index, positions: positions, keyMask: keyMask, adapter: lora)
        }
        let normed = rmsNorm(h, weight: finalNorm, eps: Float(config.rmsNormEps))   // [B, T, hidden]
        return linear(normed, weight: head)                                         // [B, T, vocab]
    }

    /// One decoder layer on h [B, T, hidden].
    func trainingLayer(_ h: Variable, _ index: Int, positions: [Int], keyMask: Tensor?,
                       adapter: LoRAAdapter?) -> Variable {
        let layer = layers[index]
        let (b, t) = (h.shape[0], h.shape[1])
        let (heads, kvHeads, headDim) = (config.numAttentionHeads, config.numKeyValueHeads, config.headDim)
        let eps = Float(config.rmsNormEps)
        // Attention block.
        let x = rmsNorm(h, weight: layer.inputNorm, eps: eps)                        // [B, T, hidden]
        func heads4(_ y: Variable, _ n: Int) -> Variable {
            y.reshaped([b, t, n, headDim]).transposed(1, 2)                          // [B, n, T, headDim]
        }
        let q = TensorCore.rope(heads4(project(x, layer: index, .q, adapter: adapter), heads), table: ropeTable, positions: positions)
        let k = TensorCore.rope(heads4(project(x, layer: index, .k, adapter: adapter), kvHeads), table: ropeTable, positions: positions)
        let v = heads4(project(x, layer: index, .v, adapter: adapter), kvHeads)
        let attended = scaledDotProductAttention(q: q, k: k, v: v, keyMask: keyMask)  // [B, heads, T, headDim]
            .transposed(1, 2).reshaped([b, t, heads * headDim])                     // [B, T, heads * headDim]
        let h1 = h + project(attended, layer: index, .o, adapter: adapter)          // [B, T, hidden]
        // MLP block.
        let y = rmsNorm(h1, weight: layer.postAttentionNorm, eps: eps)              // [B, T, hidden]
        let gated = swiglu(gate: project(y, layer: index, .gate, adapter: adapter),
                           up: project(y, layer: index, .up, adapter: adapter))     // [B, T, intermediate]
        return h1 + project(gated, layer: index, .down, adapter: adapter)           // [B, T, hidden]
    }
}

extension LlamaModel {
    /// Differentiable sums of per-token log-probs [B]: row b sums log p(ids[b, t] | ids[b, <t])
    /// over its real tokens t >= `scoredFrom[b]` (e.g. the prompt length, so only the
    /// completion and its EOS count: the DPO / scoring rule of FORMATS.md).
    public func sequenceLogProbSums(_ batch: TokenBatch, scoredFrom: [Int], adapter: String? = nil) -> Variable {
        precondition(scoredFrom.count == batch.batch && scoredFrom.allSatisfy { $0 >= 1 },
                     "sequenceLogProbSums: one start >= 1 per row, got \(scoredFrom)")
        let (b, t) = (batch.batch, batch.length)
        // Row (i, p) of the logits predicts slot p + 1 of row i.
        var targets = [Int](repeating: 0, count: b * t), mask = [Bool](repeating: false, count: b * t)
        for i in 0..<b {
            for p in 0..<max(t - 1, 0) where p + 1 >= scoredFrom[i] && batch.isToken[i * t + p + 1] {
                targets[i * t + p] = batch.ids[i * t + p + 1]
                mask[i * t + p] = true
            }
        }
        let logits = trainingLogits(batch, adapter: adapter).reshaped([b * t, config.vocabSize])   // [B*T, V]
        return tokenLogProbs(logits: logits, targets: targets, mask: mask)                         // [B*T]
            .reshaped([b, t]).sum(axis: 1)                                                         // [B]
    }
}
