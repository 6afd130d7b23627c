import TensorCore

/// One linear projection of a layer, with the active adapter's low-rank update when it
/// targets this projection:
///
///     y = x W^T (+ b) + scale * (x A^T) B^T        x: [..., in]  W: [out, in]
///                                                  A: [r, in]    B: [out, r]
/// (The LoRA term goes through the rank-r bottleneck, never forming B A.)
extension LlamaModel {
    /// Inference form.
    func project(_ x: Tensor, layer: Int, _ target: LoRATarget, adapter: LoRAAdapter?) -> Tensor {
        let weights = layers[layer]
        var y = linear(x, weight: weights.weight(target).value, bias: weights.bias(target)?.value)
        if let adapter, let pair = adapter.layers[layer][target] {
            let low = matmul(x, pair.a.value, transposeB: true)           // [..., r]
            let update = matmul(low, pair.b.value, transposeB: true)     // [..., out]
            y = y + update * adapter.configuration.scale
        }
        return y
    }

    /// Training form (records on the tape through whichever leaves require gradients).
    func project(_ x: Variable, layer: Int, _ target: LoRATarget, adapter: LoRAAdapter?) -> Variable {
        let weights = layers[layer]
        let y = linear(x, weight: weights.weight(target), bias: weights.bias(target))
        guard let adapter, let pair = adapter.layers[layer][target] else { return y }
        let low = matmul(x, pair.a, transposeB: true)                     // [..., r]
        let update = matmul(low, pair.b, transposeB: true)               // [..., out]
        return y + update * adapter.configuration.scale
    }

    /// The adapter named `name`, or nil for the base alone.
    func resolveAdapter(_ name: String?) -> LoRAAdapter? {
        guard let name else { return nil }
        guard let adapter = adapters[name] else {
            preconditionFailure("no LoRA adapter named \"\(name)\" (have: \(adapters.keys.sorted()))")
        }
        return adapter
    }
}
