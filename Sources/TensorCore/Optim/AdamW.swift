import Foundation

/// AdamW (Loshchilov & Hutter): Adam with decoupled weight decay and bias correction, the
/// update `torch.optim.AdamW` makes, per element, at step t (1-based):
///
///     p -= lr * weightDecay * p
///     m  = beta1 * m + (1 - beta1) * g
///     v  = beta2 * v + (1 - beta2) * g^2
///     p -= lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)
///
/// ```swift
/// let optimizer = AdamW(parameters: model.parameters, configuration: .init(weightDecay: 0.01))
/// loss.backward()
/// let norm = clipGradientNorm(optimizer.parameters, maxNorm: 1)
/// optimizer.step(learningRate: schedule.learningRate(at: optimizer.stepCount))
/// optimizer.zeroGrad()
/// ```
/// Parameters that are frozen (`requiresGrad == false`) or have no gradient are skipped and
/// get no moments. The learning rate is passed per step, so any schedule can drive it.
/// `state` / `restore(_:)` round-trip exactly (see AdamWState.swift).
public final class AdamW: @unchecked Sendable {
    public struct Configuration: Sendable, Equatable, Codable {
        public var beta1: Float
        public var beta2: Float
        public var eps: Float
        public var weightDecay: Float

        public init(beta1: Float = 0.9, beta2: Float = 0.999, eps: Float = 1e-8, weightDecay: Float = 0) {
            self.beta1 = beta1; self.beta2 = beta2; self.eps = eps; self.weightDecay = weightDecay
        }
    }

    /// The parameters, in the order given; their names key the saved state.
    public let parameters: [Variable]
    public var configuration: Configuration
    /// Names of parameters that get no weight decay (norm weights, biases...).
    public var noWeightDecay: Set<String>
    /// Number of `step` calls made so far (t of the last update).
    public internal(set) var stepCount: Int = 0
    /// First and second moments by parameter key; created at a parameter's first update.
    var firstMoments: [String: Tensor] = [:]
    var secondMoments: [String: Tensor] = [:]
    let keys: [String]

    /// Parameter names must be unique; unnamed parameters are keyed `param.<index>`.
    public init(parameters: [Variable], configuration: Configuration = Configuration(),
                noWeightDecay: Set<String> = []) {
        self.parameters = parameters
        self.configuration = configuration
        self.noWeightDecay = noWeightDecay
        keys = parameters.enumerated().map { index, p in p.name ?? "param.\(index)" }
        precondition(Set(keys).count == keys.count, "AdamW: parameter names are not unique")
    }

    /// One update of every trainable parameter with a gradient.
    public func step(learningRate lr: Float) {
        stepCount += 1
        let c = configuration
        let t = Double(stepCount)
        let stepSize = Float(Double(lr) / (1 - Foundation.pow(Double(c.beta1), t)))
        let correction2 = Float((1 - Foundation.pow(Double(c.beta2), t)).squareRoot())
        for (key, parameter) in zip(keys, parameters) where parameter.requiresGrad {
            guard let grad = parameter.grad else { continue }
            precondition(grad.shape == parameter.value.shape, "AdamW: gradient shape of \(key) differs")
            var m = firstMoments.removeValue(forKey: key) ?? Tensor.zeros(grad.shape)
            var v = secondMoments.removeValue(forKey: key) ?? Tensor.zeros(grad.shape)
            let decay = noWeightDecay.contains(key) ? 1 : 1 - lr * c.weightDecay
            let (b1, b2, eps) = (c.beta1, c.beta2, c.eps)
            grad.withUnsafeBufferPointer { gs in
                m.withUnsafeMutableBufferPointer { ms in
                    v.withUnsafeMutableBufferPointer { vs in
                        parameter.value.withUnsafeMutableBufferPointer { ps in
                            for i in 0..<ps.count {
                                let g = gs[i]
                                ps[i] *= decay
                                ms[i] = b1 * ms[i] + (1 - b1) * g
                                vs[i] = b2 * vs[i] + (1 - b2) * g * g
                                ps[i] -= stepSize * ms[i] / (vs[i].squareRoot() / correction2 + eps)
                            }
                        }
                    }
                }
            }
            firstMoments[key] = m
            secondMoments[key] = v
        }
    }

    /// Clears every parameter's gradient.
    public func zeroGrad() {
        for p in parameters { p.grad = nil }
    }
}
