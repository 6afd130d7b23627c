import Foundation

/// SiLU and SwiGLU, with their derivatives.
///
///     silu(x)  = x * sigmoid(x)
///     silu'(x) = s * (1 + x * (1 - s)),  s = sigmoid(x)
///     swiglu(gate, up) = silu(gate) * up     (the Llama MLP, fused)
extension Tensor {
    public func silu() -> Tensor {
        map { x in x / (1 + Foundation.exp(-x)) }
    }

    /// dy * silu'(x).
    public func siluBackward(_ dy: Tensor) -> Tensor {
        zipMap(dy) { x, g in
            let s = 1 / (1 + Foundation.exp(-x))
            return g * s * (1 + x * (1 - s))
        }
    }
}

/// silu(gate) * up, same shapes.
public func swiglu(gate: Tensor, up: Tensor) -> Tensor {
    gate.zipMap(up) { g, u in g / (1 + Foundation.exp(-g)) * u }
}

/// Gradients of `swiglu`: d gate = dy * up * silu'(gate), d up = dy * silu(gate).
public func swigluGradients(gate: Tensor, up: Tensor, outputGradient dy: Tensor,
                            needGate: Bool = true, needUp: Bool = true) -> (gate: Tensor?, up: Tensor?) {
    precondition(gate.shape == up.shape && gate.shape == dy.shape, "swiglu: shapes differ")
    let n = gate.count
    var dGate: Tensor? = nil, dUp: Tensor? = nil
    gate.withUnsafeBufferPointer { gs in
        up.withUnsafeBufferPointer { us in
            dy.withUnsafeBufferPointer { ds in
                if needGate {
                    dGate = Tensor(shape: gate.shape) { out in
                        for i in 0..<n {
                            let x = gs[i], s = 1 / (1 + Foundation.exp(-x))
                            out[i] = ds[i] * us[i] * s * (1 + x * (1 - s))
                        }
                    }
                }
                if needUp {
                    dUp = Tensor(shape: up.shape) { out in
                        for i in 0..<n { out[i] = ds[i] * gs[i] / (1 + Foundation.exp(-gs[i])) }
                    }
                }
            }
        }
    }
    return (dGate, dUp)
}
