/// Concatenation, slicing and axis swaps. Each views the tensors as
/// `[outer, axisLength * inner]` blocks and copies contiguous runs with `memcpy`-like loops.
/// (`reshaped` and `rows` in Tensor.swift are the zero-copy views.)
extension Tensor {
    /// `tensors` joined along `axis`; all other dimensions must agree.
    public static func concatenate(_ tensors: [Tensor], axis: Int) -> Tensor {
        precondition(!tensors.isEmpty, "concatenate: no tensors")
        let first = tensors[0]
        let axis = first.normalizedAxis(axis)
        var outShape = first.shape
        outShape[axis] = 0
        for t in tensors {
            var probe = t.shape
            precondition(probe.count == first.rank, "concatenate: ranks differ: \(first.shape) vs \(t.shape)")
            probe[axis] = 0
            var reference = first.shape
            reference[axis] = 0
            precondition(probe == reference, "concatenate: shapes \(first.shape) and \(t.shape) differ off axis \(axis)")
            outShape[axis] += t.shape[axis]
        }
        var outer = 1
        for d in first.shape[..<axis] { outer *= d }
        let outBlock = Tensor.elementCount(Array(outShape[axis...]))
        return Tensor(shape: outShape) { out in
            var column = 0
            for t in tensors {
                let block = Tensor.elementCount(Array(t.shape[axis...]))
                t.withUnsafeBufferPointer { src in
                    for o in 0..<outer {
                        (out.baseAddress! + o * outBlock + column)
                            .initialize(from: src.baseAddress! + o * block, count: block)
                    }
                }
                column += block
            }
        }
    }

    /// Elements `range` along `axis` (a copy; use `rows` for a view of the first axis).
    public func slice(axis: Int, _ range: Range<Int>) -> Tensor {
        let axis = normalizedAxis(axis)
        precondition(range.lowerBound >= 0 && range.upperBound <= shape[axis],
                     "slice: \(range) out of bounds for axis \(axis) of \(shape)")
        var outShape = shape
        outShape[axis] = range.count
        let (outer, n, inner) = reductionGeometry(axis)
        return withUnsafeBufferPointer { src in
            Tensor(shape: outShape) { out in
                let run = range.count * inner
                for o in 0..<outer {
                    (out.baseAddress! + o * run)
                        .initialize(from: src.baseAddress! + (o * n + range.lowerBound) * inner, count: run)
                }
            }
        }
    }

    /// Overwrites elements `start ..< start + values.shape[axis]` along `axis` with `values`
    /// (in place, copy-on-write). All other dimensions must agree. This is the KV-cache
    /// append: `cache.assign(newKeys, axis: 2, at: length)` on a [B, Hkv, capacity, D] cache.
    public mutating func assign(_ values: Tensor, axis: Int, at start: Int) {
        let axis = normalizedAxis(axis)
        var expected = shape
        expected[axis] = values.shape.count == rank ? values.shape[axis] : -1
        precondition(values.shape == expected && start >= 0 && start + values.shape[axis] <= shape[axis],
                     "assign: cannot write \(values.shape) at \(start) along axis \(axis) of \(shape)")
        let (outer, n, inner) = reductionGeometry(axis)
        let run = values.shape[axis] * inner
        withUnsafeMutableBufferPointer { dst in
            values.withUnsafeBufferPointer { src in
                for o in 0..<outer {
                    (dst.baseAddress! + (o * n + start) * inner)
                        .update(from: src.baseAddress! + o * run, count: run)
                }
            }
        }
    }

    /// A zero tensor of `shape` with `values` written at `start` along `axis` (the
    /// gradient of `slice`).
    static func padded(_ values: Tensor, into shape: [Int], axis: Int, at start: Int) -> Tensor {
        var result = Tensor.zeros(shape)
        result.assign(values, axis: axis, at: start)
        return result
    }

    /// The tensor with axes `a` and `b` swapped (a copy): e.g. [B, T, H, D] -> [B, H, T, D].
    public func transposed(_ a: Int, _ b: Int) -> Tensor {
        let a = normalizedAxis(a), b = normalizedAxis(b)
        if a == b { return self }
        var permutation = Array(0..<rank)
        permutation.swapAt(a, b)
        return permuted(permutation)
    }

    /// Axes reordered: output axis i is input axis `permutation[i]`.
    public func permuted(_ permutation: [Int]) -> Tensor {
        precondition(permutation.sorted() == Array(0..<rank), "permuted: \(permutation) is not a permutation of \(rank) axes")
        let outShape = permutation.map { shape[$0] }
        let inStrides = Tensor.strides(shape)
        let sourceStrides = permutation.map { inStrides[$0] }
        // Copy rows of the output's last axis; contiguous when that axis stays last.
        let inner = outShape.last ?? 1
        let innerStride = sourceStrides.last ?? 1
        return withUnsafeBufferPointer { src in
            Tensor(shape: outShape) { out in
                Broadcast.forEachRow(outShape, sourceStrides, sourceStrides) { o, s, _ in
                    if innerStride == 1 {
                        (out.baseAddress! + o).initialize(from: src.baseAddress! + s, count: inner)
                    } else {
                        for i in 0..<inner { out[o + i] = src[s + i * innerStride] }
                    }
                }
            }
        }
    }
}
