/// Sum, mean and max: over one axis (optionally keeping it as size 1) or over everything.
///
/// An axis reduction views the tensor as `[outer, n, inner]` and reduces the middle axis;
/// the loops run over `inner` innermost so they stay contiguous.
extension Tensor {
    /// `(outer, n, inner)` for reducing `axis`.
    func reductionGeometry(_ axis: Int) -> (outer: Int, n: Int, inner: Int) {
        let n = shape[axis]
        var inner = 1
        for d in shape[(axis + 1)...] { inner *= d }
        let outer = n * inner == 0 ? 0 : count / (n * inner)
        return (outer, n, inner)
    }

    func reducedShape(_ axis: Int, keepDim: Bool) -> [Int] {
        var s = shape
        if keepDim { s[axis] = 1 } else { s.remove(at: axis) }
        return s
    }

    /// Sum along `axis`.
    public func sum(axis: Int, keepDim: Bool = false) -> Tensor {
        let axis = normalizedAxis(axis)
        let (outer, n, inner) = reductionGeometry(axis)
        return withUnsafeBufferPointer { src in
            Tensor(shape: reducedShape(axis, keepDim: keepDim)) { out in
                for o in 0..<outer {
                    let dst = out.baseAddress! + o * inner
                    if inner == 1 {
                        var acc: Float = 0
                        let row = src.baseAddress! + o * n
                        for j in 0..<n { acc += row[j] }
                        dst[0] = acc
                        continue
                    }
                    dst.initialize(repeating: 0, count: inner)
                    for j in 0..<n {
                        let row = src.baseAddress! + (o * n + j) * inner
                        for i in 0..<inner { dst[i] += row[i] }
                    }
                }
            }
        }
    }

    /// Mean along `axis`.
    public func mean(axis: Int, keepDim: Bool = false) -> Tensor {
        let n = shape[normalizedAxis(axis)]
        return sum(axis: axis, keepDim: keepDim) * (1 / Float(n))
    }

    /// Maximum along `axis` and, for each output element, the index along `axis` of the
    /// first maximum (the gradient goes there).
    public func maxWithIndices(axis: Int, keepDim: Bool = false) -> (values: Tensor, indices: [Int]) {
        let axis = normalizedAxis(axis)
        let (outer, n, inner) = reductionGeometry(axis)
        precondition(n > 0, "max: empty axis \(axis) of \(shape)")
        var indices = [Int](repeating: 0, count: outer * inner)
        let values = withUnsafeBufferPointer { src in
            Tensor(shape: reducedShape(axis, keepDim: keepDim)) { out in
                for o in 0..<outer {
                    for i in 0..<inner {
                        var best = src[o * n * inner + i], bestIndex = 0
                        for j in 1..<Swift.max(n, 1) {
                            let v = src[(o * n + j) * inner + i]
                            if v > best { best = v; bestIndex = j }
                        }
                        out[o * inner + i] = best
                        indices[o * inner + i] = bestIndex
                    }
                }
            }
        }
        return (values, indices)
    }

    public func max(axis: Int, keepDim: Bool = false) -> Tensor {
        maxWithIndices(axis: axis, keepDim: keepDim).values
    }

    /// Sum of all elements as a rank-0 tensor (accumulated in Double).
    public func sum() -> Tensor { Tensor(scalar: Float(doubleSum())) }

    func doubleSum() -> Double {
        withUnsafeBufferPointer { src in
            var acc = 0.0
            for x in src { acc += Double(x) }
            return acc
        }
    }

    /// Mean of all elements as a rank-0 tensor.
    public func mean() -> Tensor {
        Tensor(scalar: Float(doubleSum() / Double(Swift.max(count, 1))))
    }

    /// Largest element as a rank-0 tensor.
    public func max() -> Tensor {
        precondition(count > 0, "max: empty tensor")
        return withUnsafeBufferPointer { Tensor(scalar: $0.max()!) }
    }
}
