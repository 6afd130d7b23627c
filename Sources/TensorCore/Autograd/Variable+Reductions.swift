/// Reductions and softmax on `Variable`s.
///
///     d sum_axis = g repeated along axis        d mean_axis = g / n repeated
///     d max_axis = g at the (first) argmax, 0 elsewhere
///     d softmax: dx = y * (g - sum(g * y))      d logSoftmax: dx = g - softmax(x) * sum(g)
extension Variable {
    public func sum(axis: Int, keepDim: Bool = false) -> Variable {
        let axis = value.normalizedAxis(axis), shape = value.shape
        return Variable.record(value.sum(axis: axis, keepDim: keepDim), inputs: [self]) { g, _ in
            [Variable.expand(g, reducedAxis: axis, to: shape)]
        }
    }

    public func mean(axis: Int, keepDim: Bool = false) -> Variable {
        let n = Float(value.shape[value.normalizedAxis(axis)])
        return sum(axis: axis, keepDim: keepDim) * (1 / n)
    }

    public func max(axis: Int, keepDim: Bool = false) -> Variable {
        let axis = value.normalizedAxis(axis), shape = value.shape
        let (values, indices) = value.maxWithIndices(axis: axis, keepDim: keepDim)
        let (outer, n, inner) = value.reductionGeometry(axis)
        return Variable.record(values, inputs: [self]) { g, _ in
            var dx = Tensor.zeros(shape)
            dx.withUnsafeMutableBufferPointer { out in
                g.withUnsafeBufferPointer { gs in
                    for o in 0..<outer {
                        for i in 0..<inner {
                            out[(o * n + indices[o * inner + i]) * inner + i] = gs[o * inner + i]
                        }
                    }
                }
            }
            return [dx]
        }
    }

    /// Sum of all elements (rank 0).
    public func sum() -> Variable {
        let shape = value.shape
        return Variable.record(value.sum(), inputs: [self]) { g, _ in [Tensor.full(shape, g.item)] }
    }

    /// Mean of all elements (rank 0).
    public func mean() -> Variable {
        sum() * (1 / Float(Swift.max(value.count, 1)))
    }

    /// Largest element (rank 0); the gradient goes to its first occurrence.
    public func max() -> Variable {
        let flat = value.reshaped([value.count])
        let (values, indices) = flat.maxWithIndices(axis: 0)
        let shape = value.shape
        return Variable.record(values, inputs: [self]) { g, _ in
            var dx = Tensor.zeros([flat.count])
            dx[indices[0]] = g.item
            return [dx.reshaped(shape)]
        }
    }

    public func softmax() -> Variable {
        let y = value.softmax()
        return Variable.record(y, inputs: [self]) { g, _ in
            [y * (g - (g * y).sum(axis: -1, keepDim: true))]
        }
    }

    public func logSoftmax() -> Variable {
        let y = value.logSoftmax()
        return Variable.record(y, inputs: [self]) { g, _ in
            [g - y.exp() * g.sum(axis: -1, keepDim: true)]
        }
    }

    /// Repeats `g` (the reduced shape, axis kept or dropped) along `axis` back to `shape`.
    static func expand(_ g: Tensor, reducedAxis axis: Int, to shape: [Int]) -> Tensor {
        var kept = shape
        kept[axis] = 1
        return Tensor.zeros(shape) + g.reshaped(kept)
    }
}
