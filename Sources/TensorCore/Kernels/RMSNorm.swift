/// RMSNorm over the last axis, fused: y = x * rsqrt(mean(x^2) + eps) * weight.
///
/// x: [..., D], weight: [D]. The inverse RMS is recomputed in the backward pass (one cheap
/// pass over the row) rather than stored.
public func rmsNorm(_ x: Tensor, weight: Tensor, eps: Float) -> Tensor {
    let d = x.shape.last ?? 1
    precondition(weight.shape == [d], "rmsNorm: weight \(weight.shape) does not match last axis of \(x.shape)")
    let rows = d == 0 ? 0 : x.count / d
    return x.withUnsafeBufferPointer { xs in
        weight.withUnsafeBufferPointer { w in
            Tensor(shape: x.shape) { out in
                for r in 0..<rows {
                    let row = xs.baseAddress! + r * d, y = out.baseAddress! + r * d
                    let inv = inverseRMS(row, d, eps)
                    for i in 0..<d { y[i] = row[i] * inv * w[i] }
                }
            }
        }
    }
}

/// Gradients of `rmsNorm` for x and weight given dy. With r = rsqrt(mean(x^2)+eps) and
/// g = dy * w:  dx_j = r * g_j - x_j * r^3 / D * sum_i g_i x_i;  dw_i = sum_rows dy_i x_i r.
public func rmsNormGradients(_ x: Tensor, weight: Tensor, eps: Float, outputGradient dy: Tensor,
                             needX: Bool = true, needWeight: Bool = true) -> (x: Tensor?, weight: Tensor?) {
    let d = x.shape.last ?? 1
    let rows = d == 0 ? 0 : x.count / d
    var dx: Tensor? = needX ? Tensor.zeros(x.shape) : nil
    var dw: Tensor? = needWeight ? Tensor.zeros([d]) : nil
    x.withUnsafeBufferPointer { xs in
        weight.withUnsafeBufferPointer { w in
            dy.withUnsafeBufferPointer { gs in
                for r in 0..<rows {
                    let row = xs.baseAddress! + r * d, g = gs.baseAddress! + r * d
                    let inv = inverseRMS(row, d, eps)
                    if needX {
                        var dot: Float = 0
                        for i in 0..<d { dot += g[i] * w[i] * row[i] }
                        let c = dot * inv * inv * inv / Float(d)
                        dx!.withUnsafeMutableBufferPointer { out in
                            let o = out.baseAddress! + r * d
                            for i in 0..<d { o[i] = inv * g[i] * w[i] - row[i] * c }
                        }
                    }
                    if needWeight {
                        dw!.withUnsafeMutableBufferPointer { out in
                            for i in 0..<d { out[i] += g[i] * row[i] * inv }
                        }
                    }
                }
            }
        }
    }
    return (dx, dw)
}

/// 1 / sqrt(mean(row^2) + eps).
@inline(__always)
func inverseRMS(_ row: UnsafePointer<Float>, _ d: Int, _ eps: Float) -> Float {
    let ss = VectorMath.dot(row, row, d)
    return 1 / (ss / Float(d) + eps).squareRoot()
}
