/// Clips gradients by their global L2 norm, as `torch.nn.utils.clip_grad_norm_`:
/// norm = sqrt(sum of every squared gradient element) (accumulated in Double); when
/// norm > maxNorm every gradient is scaled by maxNorm / (norm + 1e-6).
/// Returns the norm before clipping (a NaN/inf norm is returned and nothing is scaled, so
/// the caller can stop the run). Frozen parameters and parameters without gradient are ignored.
@discardableResult
public func clipGradientNorm(_ parameters: [Variable], maxNorm: Float) -> Float {
    var total = 0.0
    for p in parameters where p.requiresGrad {
        guard let g = p.grad else { continue }
        g.withUnsafeBufferPointer { gs in
            for x in gs { total += Double(x) * Double(x) }
        }
    }
    let norm = total.squareRoot()
    guard norm.isFinite else { return Float(norm) }
    let coefficient = Double(maxNorm) / (norm + 1e-6)
    if coefficient < 1 {
        for p in parameters where p.requiresGrad && p.grad != nil {
            p.grad!.scaleInPlace(Float(coefficient))
        }
    }
    return Float(norm)
}
