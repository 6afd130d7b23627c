/// numpy broadcasting: shapes are right-aligned; a dimension of 1 (or a missing one) repeats.
///
/// Every broadcasting loop here walks the output row by row (a row = the last axis) and keeps
/// one running offset per operand; an operand's stride is 0 along the axes it repeats. The
/// gradient of a broadcast is the reverse walk (`Tensor.summed(toShape:)`), used once,
/// centrally, by the autograd engine.
enum Broadcast {
    /// The broadcast shape of `a` and `b`, or a precondition failure naming both.
    static func shape(_ a: [Int], _ b: [Int]) -> [Int] {
        let rank = max(a.count, b.count)
        var out = [Int](repeating: 1, count: rank)
        for i in 0..<rank {
            let da = i < rank - a.count ? 1 : a[i - (rank - a.count)]
            let db = i < rank - b.count ? 1 : b[i - (rank - b.count)]
            precondition(da == db || da == 1 || db == 1,
                         "broadcast: shapes \(a) and \(b) are incompatible")
            out[i] = da == 1 ? db : da
        }
        return out
    }

    /// Strides of `shape` read as if it had `target`'s shape: 0 on repeated axes.
    static func strides(of shape: [Int], broadcastTo target: [Int]) -> [Int] {
        let own = Tensor.strides(shape)
        let lead = target.count - shape.count
        var result = [Int](repeating: 0, count: target.count)
        for i in 0..<shape.count where shape[i] != 1 { result[lead + i] = own[i] }
        return result
    }

    /// Calls `body(rowStartInOutput, offsetA, offsetB)` for every row of `outShape`, where
    /// the offsets are the operands' element offsets of that row's first element.
    @inline(__always)
    static func forEachRow(_ outShape: [Int], _ stridesA: [Int], _ stridesB: [Int],
                           _ body: (Int, Int, Int) -> Void) {
        let rank = outShape.count
        let inner = rank == 0 ? 1 : outShape[rank - 1]
        let total = Tensor.elementCount(outShape)
        if total == 0 { return }
        let rows = total / max(inner, 1)
        var counter = [Int](repeating: 0, count: max(rank - 1, 0))
        var offsetA = 0, offsetB = 0
        for row in 0..<rows {
            body(row * inner, offsetA, offsetB)
            // Advance the multi-index over all axes but the last (odometer order).
            var axis = rank - 2
            while axis >= 0 {
                counter[axis] += 1
                offsetA += stridesA[axis]
                offsetB += stridesB[axis]
                if counter[axis] < outShape[axis] { break }
                offsetA -= stridesA[axis] * outShape[axis]
                offsetB -= stridesB[axis] * outShape[axis]
                counter[axis] = 0
                axis -= 1
            }
        }
    }
}

extension Tensor {
    /// Sums this tensor down to `target`, a shape it was broadcast from (the gradient of a
    /// broadcast). Returns `self` when the shapes already agree. Deterministic order.
    public func summed(toShape target: [Int]) -> Tensor {
        if shape == target { return self }
        precondition(Broadcast.shape(shape, target) == shape,
                     "summed(toShape:): \(target) does not broadcast to \(shape)")
        if Tensor.elementCount(target) == 1 {
            return Tensor([sum().item], shape: target)
        }
        let targetStrides = Broadcast.strides(of: target, broadcastTo: shape)
        let selfStrides = Tensor.strides(shape)
        let inner = shape.last ?? 1
        let innerStride = targetStrides.last ?? 0
        var result = Tensor.zeros(target)
        result.withUnsafeMutableBufferPointer { out in
            withUnsafeBufferPointer { src in
                Broadcast.forEachRow(shape, selfStrides, targetStrides) { _, s, t in
                    if innerStride == 1 {
                        for i in 0..<inner { out[t + i] += src[s + i] }
                    } else {
                        var acc: Float = 0
                        for i in 0..<inner { acc += src[s + i] }
                        out[t] += acc
                    }
                }
            }
        }
        return result
    }
}
