/// SiLU and SwiGLU, with their derivatives (SIMD16, vectorised exp).
///
///     silu(x)  = x * sigmoid(x)
///     silu'(x) = s * (1 + x * (1 - s)),  s = sigmoid(x)
///     swiglu(gate, up) = silu(gate) * up     (the Llama MLP, fused)
extension Tensor {
    public func silu() -> Tensor {
        vectorMap { x in x * VectorMath.sigmoid(x) }
    }

    /// dy * silu'(x).
    public func siluBackward(_ dy: Tensor) -> Tensor {
        vectorZipMap(dy) { x, g in
            let s = VectorMath.sigmoid(x)
            return g * s * (1 + x * (1 - s))
        }
    }
}

/// silu(gate) * up, same shapes.
public func swiglu(gate: Tensor, up: Tensor) -> Tensor {
    gate.vectorZipMap(up) { g, u in g * VectorMath.sigmoid(g) * u }
}

/// Gradients of `swiglu`: d gate = dy * up * silu'(gate), d up = dy * silu(gate).
public func swigluGradients(gate: Tensor, up: Tensor, outputGradient dy: Tensor,
                            needGate: Bool = true, needUp: Bool = true) -> (gate: Tensor?, up: Tensor?) {
    precondition(gate.shape == up.shape && gate.shape == dy.shape, "swiglu: shapes differ")
    let dGate = needGate ? gate.siluBackward(dy * up) : nil
    let dUp = needUp ? gate.vectorZipMap(dy) { g, d in d * g * VectorMath.sigmoid(g) } : nil
    return (dGate, dUp)
}
