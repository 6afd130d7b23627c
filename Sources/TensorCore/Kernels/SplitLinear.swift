/// A linear layer whose kernel the caller chooses per row, so that a row's result depends
/// only on that row (batch invariance, for batched decoding):
///
///     y = x W^T (+ b)     x: [M, in] (or [..., in]), W: [out, in] (Float32, F16 or BF16)
///
/// Rows `0 ..< blockedRows` go through the packed, blocked GEMM (prompts: many tokens per
/// sequence) and the rest through the row kernel (`gemmRows`: one token per sequence, the
/// matrix-vector product's order). Each kernel's result for one row is the same whatever
/// the number of rows, so a caller that assigns a row's kernel from that row alone (its
/// sequence's token count) gets results independent of the batch. `linear(_:weight:bias:)`
/// instead picks by shape (one row: matrix-vector; more: blocked), which is what makes its
/// results depend on M. With `blockedRows` 0 and one row this equals `linear` bit for bit;
/// with every row blocked and M > 1 too.
public func linear(_ x: Tensor, weight: Tensor, bias: Tensor? = nil, blockedRows: Int,
                   threads: Int = Parallelism.defaultThreads) -> Tensor {
    precondition(weight.rank == 2, "linear: weight must be [out, in], got \(weight.shape)")
    let (n, k) = (weight.shape[0], weight.shape[1])
    precondition(x.shape.last == k, "linear: x \(x.shape) does not end in \(k)")
    let m = k == 0 ? 0 : x.count / k
    precondition(blockedRows >= 0 && blockedRows <= m, "linear: \(blockedRows) blocked rows of \(m)")
    if weight.storageEncoding.isBlockQuantized {
        // Block-quantized weights: the blocked rows in one product, then each other row alone
        // through the matrix-vector kernel (its result is that row's alone, as above).
        let rows = x.reshaped([m, k])
        var parts: [Tensor] = []
        if blockedRows > 0 { parts.append(TensorCore.linear(rows.gatheringRows(Array(0..<blockedRows)), weight: weight)) }
        for row in blockedRows..<m { parts.append(TensorCore.linear(rows.gatheringRows([row]), weight: weight)) }
        let stacked = parts.isEmpty ? Tensor(shape: [0, n]) { _ in } : Tensor.concatenatingRows(parts)
        let y = stacked.reshaped(Array(x.shape.dropLast()) + [n])
        return bias.map { y + $0 } ?? y
    }
    let y = x.withUnsafeBufferPointer { xs in
        weight.withUnsafeStoredElements { ws in
            Tensor(shape: Array(x.shape.dropLast()) + [n]) { out in
                guard let c = out.baseAddress, n > 0 else { return }
                guard k > 0, let a = xs.baseAddress else { c.initialize(repeating: 0, count: out.count); return }
                switch weight.storageEncoding {
                case .float32:
                    splitLinear(m: m, n: n, k: k, a: a, w: ws, c: c, blockedRows: blockedRows,
                                threads: threads, element: Float32Elements.self)
                case .float16:
                    splitLinear(m: m, n: n, k: k, a: a, w: ws, c: c, blockedRows: blockedRows,
                                threads: threads, element: Float16Elements.self)
                case .bfloat16:
                    splitLinear(m: m, n: n, k: k, a: a, w: ws, c: c, blockedRows: blockedRows,
                                threads: threads, element: BFloat16Elements.self)
                case .q8_0, .q4_0, .q4_1:
                    preconditionFailure("linear(blockedRows:): block-quantized weights take the row-by-row path above")
                }
            }
        }
    }
    return bias.map { y + $0 } ?? y
}

private func splitLinear<E: GemmElement>(
    m: Int, n: Int, k: Int, a: UnsafePointer<Float>, w: UnsafeRawPointer,
    c: UnsafeMutablePointer<Float>, blockedRows: Int, threads: Int, element: E.Type
) {
    if blockedRows > 0 {
        // The same split over threads as `gemm` (it does not change any element's sum).
        let parts = max(1, min(threads, blockedRows * n * k / (1 << 18)))
        gemmBlocked(transA: false, transB: true, m: blockedRows, n: n, k: k, a: a, lda: k, b: w,
                    ldb: k, c: c, ldc: n, accumulate: false, threads: parts, element: E.self)
    }
    if blockedRows < m {
        gemmRows(m: m - blockedRows, n: n, k: k, a: a + blockedRows * k, lda: k, w: w, ldw: k,
                 c: c + blockedRows * n, ldc: n, accumulate: false, threads: threads, element: E.self)
    }
}

extension Tensor {
    /// Rows `indices` of a `[M, D]` tensor (or of its first axis), in that order: a copy.
    public func gatheringRows(_ indices: [Int]) -> Tensor {
        precondition(rank >= 1, "gatheringRows: a scalar has no rows")
        let rows = shape[0], width = rows == 0 ? 0 : count / rows
        var newShape = shape
        newShape[0] = indices.count
        return withUnsafeBufferPointer { src in
            Tensor(shape: newShape) { out in
                for (r, index) in indices.enumerated() {
                    precondition(index >= 0 && index < rows, "gatheringRows: row \(index) of \(rows)")
                    (out.baseAddress! + r * width).update(from: src.baseAddress! + index * width, count: width)
                }
            }
        }
    }

    /// self[indices[r], :] = self[indices[r], :] + rows[r, :] * scale, elementwise in that
    /// order of rounding (as `self + rows * scale` would compute it for the rows named).
    public mutating func addRows(_ rows: Tensor, scaledBy scale: Float, at indices: [Int]) {
        let width = shape.isEmpty || shape[0] == 0 ? 0 : count / shape[0]
        precondition(rows.count == indices.count * width, "addRows: \(rows.shape) for \(indices.count) rows of \(width)")
        let total = shape.first ?? 0
        rows.withUnsafeBufferPointer { src in
            withUnsafeMutableBufferPointer { dst in
                for (r, index) in indices.enumerated() {
                    precondition(index >= 0 && index < total, "addRows: row \(index) of \(total)")
                    let from = src.baseAddress! + r * width, to = dst.baseAddress! + index * width
                    for j in 0..<width {
                        let update = from[j] * scale
                        to[j] = to[j] + update
                    }
                }
            }
        }
    }
}

extension Tensor {
    /// `[r_i, D]` tensors stacked into `[sum r_i, D]`: a copy.
    static func concatenatingRows(_ parts: [Tensor]) -> Tensor {
        let width = parts[0].shape.last ?? 0
        let rows = parts.reduce(0) { $0 + $1.count / Swift.max(width, 1) }
        return Tensor(shape: [rows, width]) { out in
            var offset = 0
            for part in parts {
                part.withUnsafeBufferPointer { src in
                    guard let base = src.baseAddress, let dst = out.baseAddress else { return }
                    (dst + offset).update(from: base, count: src.count)
                    offset += src.count
                }
            }
        }
    }
}
