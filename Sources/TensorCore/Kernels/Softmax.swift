import Foundation

/// Softmax and log-softmax along the last axis, numerically stable (the row maximum is
/// subtracted before exponentiating).
extension Tensor {
    /// Rows of the last axis: `(rows, width)`.
    var lastAxisRows: (rows: Int, width: Int) {
        let width = shape.last ?? 1
        return (width == 0 ? 0 : count / width, width)
    }

    /// softmax(x)_i = exp(x_i - max) / sum_j exp(x_j - max), per row of the last axis.
    public func softmax() -> Tensor {
        let (rows, width) = lastAxisRows
        return withUnsafeBufferPointer { src in
            Tensor(shape: shape) { out in
                for r in 0..<rows {
                    let x = src.baseAddress! + r * width, y = out.baseAddress! + r * width
                    Tensor.softmaxRow(x, y, width)
                }
            }
        }
    }

    /// log_softmax(x)_i = x_i - max - log(sum_j exp(x_j - max)), per row of the last axis.
    public func logSoftmax() -> Tensor {
        let (rows, width) = lastAxisRows
        return withUnsafeBufferPointer { src in
            Tensor(shape: shape) { out in
                for r in 0..<rows {
                    let x = src.baseAddress! + r * width, y = out.baseAddress! + r * width
                    // (x - max) - log(sum): exact near large logits, unlike x - lse.
                    let (m, logTotal) = Tensor.maxAndLogSumExp(x, width)
                    for i in 0..<width { y[i] = (x[i] - m) - logTotal }
                }
            }
        }
    }

    /// log(sum exp(x)) of one row, computed as max + log(sum exp(x - max)).
    @inline(__always)
    static func logSumExpRow(_ x: UnsafePointer<Float>, _ width: Int) -> Float {
        let (m, logTotal) = maxAndLogSumExp(x, width)
        return m + logTotal
    }

    /// The row maximum m and log(sum exp(x - m)); m is -inf for an all -inf row.
    @inline(__always)
    static func maxAndLogSumExp(_ x: UnsafePointer<Float>, _ width: Int) -> (Float, Float) {
        let m = VectorMath.max(x, width)
        if m == -.infinity { return (m, 0) }
        return (m, Foundation.log(VectorMath.expShifted(x, nil, width, shift: m)))
    }

    /// Writes softmax of `x` (one row) to `y`. A row that is all -inf gives zeros (a fully
    /// masked attention row contributes nothing instead of NaN).
    @inline(__always)
    static func softmaxRow(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ width: Int) {
        let m = VectorMath.max(x, width)
        if m == -.infinity {
            y.initialize(repeating: 0, count: width)
            return
        }
        let inv = 1 / VectorMath.expShifted(x, y, width, shift: m)
        for i in 0..<width { y[i] *= inv }
    }
}
