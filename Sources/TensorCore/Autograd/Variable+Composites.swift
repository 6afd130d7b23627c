/// Composite ops built from primitives: they need no backward rule of their own.

/// A linear layer in the PyTorch layout: x [..., in] @ weight[out, in]^T (+ bias [out]).
public func linear(_ x: Variable, weight: Variable, bias: Variable? = nil) -> Variable {
    let y = matmul(x, weight, transposeB: true)
    return bias.map { y + $0 } ?? y
}

/// Inverted dropout: zeroes each element with `probability` and scales the rest by
/// 1 / (1 - probability), with a mask drawn from `rng` (reproducible). Identity when
/// `probability` is 0; call it only in training.
public func dropout(_ x: Variable, probability: Float, using rng: inout SeededRandom) -> Variable {
    precondition(probability >= 0 && probability < 1, "dropout: probability \(probability) not in [0, 1)")
    if probability == 0 { return x }
    return x * Variable(Tensor.dropoutMask(x.shape, probability: probability, using: &rng))
}

/// The Tensor form of `linear` (inference path).
public func linear(_ x: Tensor, weight: Tensor, bias: Tensor? = nil) -> Tensor {
    let y = matmul(x, weight, transposeB: true)
    return bias.map { y + $0 } ?? y
}

extension Tensor {
    /// Elements 0 with `probability`, else 1 / (1 - probability).
    public static func dropoutMask(_ shape: [Int], probability: Float,
                                   using rng: inout SeededRandom) -> Tensor {
        let keep = 1 / (1 - probability)
        return Tensor(shape: shape) { out in
            for i in 0..<out.count { out[i] = Float(rng.uniform()) < probability ? 0 : keep }
        }
    }
}
