/// The model-level primitives on `Variable`s, each a fused kernel with a hand-written
/// backward (Kernels/ has the maths): RMSNorm, RoPE, SiLU, SwiGLU, embedding, attention.
public func rmsNorm(_ x: Variable, weight: Variable, eps: Float) -> Variable {
    let (xv, wv) = (x.value, weight.value)
    return Variable.record(rmsNorm(xv, weight: wv, eps: eps), inputs: [x, weight]) { g, needs in
        let grads = rmsNormGradients(xv, weight: wv, eps: eps, outputGradient: g,
                                     needX: needs[0], needWeight: needs[1])
        return [grads.x, grads.weight]
    }
}

/// RoPE on x: [B, H, T, D] (see `rope(_:table:positions:)` for `positions`).
public func rope(_ x: Variable, table: RoPETable, positions: [Int]) -> Variable {
    Variable.record(rope(x.value, table: table, positions: positions), inputs: [x]) { g, _ in
        [ropeBackward(g, table: table, positions: positions)]
    }
}

/// RoPE with positions `offset ..< offset + T` for every batch row.
public func rope(_ x: Variable, table: RoPETable, offset: Int = 0) -> Variable {
    precondition(x.value.rank == 4, "rope: expected [B, H, T, D], got \(x.shape)")
    return rope(x, table: table, positions: Array(offset..<(offset + x.shape[2])))
}

extension Variable {
    public func silu() -> Variable {
        let x = value
        return Variable.record(x.silu(), inputs: [self]) { g, _ in [x.siluBackward(g)] }
    }
}

/// silu(gate) * up.
public func swiglu(gate: Variable, up: Variable) -> Variable {
    let (gv, uv) = (gate.value, up.value)
    return Variable.record(swiglu(gate: gv, up: uv), inputs: [gate, up]) { g, needs in
        let grads = swigluGradients(gate: gv, up: uv, outputGradient: g,
                                    needGate: needs[0], needUp: needs[1])
        return [grads.gate, grads.up]
    }
}

/// Rows of `table` [V, D] gathered by `ids` -> [...idsShape, D]; backward scatter-adds.
public func embedding(_ table: Variable, ids: [Int], idsShape: [Int]? = nil) -> Variable {
    let tableShape = table.shape
    return Variable.record(embedding(table.value, ids: ids, idsShape: idsShape), inputs: [table]) { g, _ in
        [embeddingBackward(g, ids: ids, tableShape: tableShape)]
    }
}

/// Causal GQA attention (see `scaledDotProductAttention` on tensors). The mask gets no
/// gradient; `keyLength` is not available here (training uses whole k/v tensors).
public func scaledDotProductAttention(q: Variable, k: Variable, v: Variable, queryOffset: Int = 0,
                                      keyMask: Tensor? = nil, scale: Float? = nil,
                                      causal: Bool = true) -> Variable {
    let (qv, kv, vv) = (q.value, k.value, v.value)
    let geometry = AttentionGeometry(q: qv, k: kv, v: vv, keyMask: keyMask, queryOffset: queryOffset,
                                     scale: scale, causal: causal, keyLength: nil)
    let (output, lse) = attentionForward(q: qv, k: kv, v: vv, keyMask: keyMask, geometry: geometry)
    return Variable.record(output, inputs: [q, k, v]) { g, _ in
        let grads = attentionBackward(q: qv, k: kv, v: vv, keyMask: keyMask, output: output,
                                      logSumExp: lse, outputGradient: g, geometry: geometry)
        return [grads.q, grads.k, grads.v]
    }
}
