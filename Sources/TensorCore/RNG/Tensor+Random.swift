import Foundation

/// Random tensor constructors; every one takes the generator explicitly (no hidden global).
extension Tensor {
    /// Elements uniform in [low, high).
    public static func uniform(_ shape: [Int], low: Float = 0, high: Float = 1,
                               using rng: inout SeededRandom) -> Tensor {
        Tensor(shape: shape) { out in
            for i in 0..<out.count { out[i] = rng.uniform(low, high) }
        }
    }

    /// Elements from N(mean, std^2).
    public static func normal(_ shape: [Int], mean: Float = 0, std: Float = 1,
                              using rng: inout SeededRandom) -> Tensor {
        Tensor(shape: shape) { out in
            for i in 0..<out.count { out[i] = rng.normal(mean: mean, std: std) }
        }
    }

    /// Kaiming-uniform as `torch.nn.Linear` initialises weights of shape `[out, in]`:
    /// U(-1/sqrt(fanIn), 1/sqrt(fanIn)).
    public static func linearInit(outFeatures: Int, inFeatures: Int,
                                  using rng: inout SeededRandom) -> Tensor {
        let bound = 1 / Float(inFeatures).squareRoot()
        return uniform([outFeatures, inFeatures], low: -bound, high: bound, using: &rng)
    }
}
