/// SiLU and SwiGLU, with their derivatives (SIMD16 kernels in ElementwiseKernels.swift).
///
///     silu(x)  = x * sigmoid(x)
///     silu'(x) = s * (1 + x * (1 - s)),  s = sigmoid(x)
///     swiglu(gate, up) = silu(gate) * up     (the Llama MLP, fused)
extension Tensor {
    public func silu() -> Tensor { apply(Kernels.SiLU()) }

    /// dy * silu'(x).
    public func siluBackward(_ dy: Tensor) -> Tensor { apply(Kernels.SiLUBackward(), dy) }
}

/// silu(gate) * up, same shapes.
public func swiglu(gate: Tensor, up: Tensor) -> Tensor {
    gate.apply(Kernels.SwiGLU(), up)
}

/// Gradients of `swiglu`: d gate = dy * up * silu'(gate), d up = dy * silu(gate).
public func swigluGradients(gate: Tensor, up: Tensor, outputGradient dy: Tensor,
                            needGate: Bool = true, needUp: Bool = true) -> (gate: Tensor?, up: Tensor?) {
    precondition(gate.shape == up.shape && gate.shape == dy.shape, "swiglu: shapes differ")
    let dGate = needGate ? gate.siluBackward(dy * up) : nil
    let dUp = needUp ? gate.apply(Kernels.SwiGLUUpGradient(), dy) : nil
    return (dGate, dUp)
}
