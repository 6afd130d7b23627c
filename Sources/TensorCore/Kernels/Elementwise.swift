import Foundation

/// Elementwise kernels on `Tensor`: binary ops with numpy broadcasting, scalar ops and unary
/// maps. Same-shape and scalar cases take straight contiguous loops; general broadcasting
/// walks rows (see `Broadcast`).
public enum BinaryOperator: Sendable {
    case add, subtract, multiply, divide
}

extension Tensor {
    /// `self op other` with broadcasting.
    public func binary(_ op: BinaryOperator, _ other: Tensor) -> Tensor {
        switch op {
        case .add: return broadcastMap(other) { $0 + $1 }
        case .subtract: return broadcastMap(other) { $0 - $1 }
        case .multiply: return broadcastMap(other) { $0 * $1 }
        case .divide: return broadcastMap(other) { $0 / $1 }
        }
    }

    @inline(__always)
    func broadcastMap(_ other: Tensor, _ f: (Float, Float) -> Float) -> Tensor {
        let outShape = shape == other.shape ? shape : Broadcast.shape(shape, other.shape)
        return withUnsafeBufferPointer { a in
            other.withUnsafeBufferPointer { b in
                Tensor(shape: outShape) { out in
                    if shape == other.shape {
                        for i in 0..<out.count { out[i] = f(a[i], b[i]) }
                    } else if other.count == 1 {
                        let y = b[0]
                        for i in 0..<out.count { out[i] = f(a[i], y) }
                    } else if count == 1 {
                        let x = a[0]
                        for i in 0..<out.count { out[i] = f(x, b[i]) }
                    } else {
                        let sa = Broadcast.strides(of: shape, broadcastTo: outShape)
                        let sb = Broadcast.strides(of: other.shape, broadcastTo: outShape)
                        let inner = outShape.last ?? 1
                        let ia = sa.last ?? 0, ib = sb.last ?? 0
                        Broadcast.forEachRow(outShape, sa, sb) { o, oa, ob in
                            if ia == 1 && ib == 1 {
                                for i in 0..<inner { out[o + i] = f(a[oa + i], b[ob + i]) }
                            } else if ia == 1 {
                                let y = b[ob]
                                for i in 0..<inner { out[o + i] = f(a[oa + i], y) }
                            } else if ib == 1 {
                                let x = a[oa]
                                for i in 0..<inner { out[o + i] = f(x, b[ob + i]) }
                            } else {
                                let v = f(a[oa], b[ob])
                                for i in 0..<inner { out[o + i] = v }
                            }
                        }
                    }
                }
            }
        }
    }

    /// Applies `f` to every element into a new tensor of the same shape.
    @inline(__always)
    public func map(_ f: (Float) -> Float) -> Tensor {
        withUnsafeBufferPointer { src in
            Tensor(shape: shape) { out in
                for i in 0..<out.count { out[i] = f(src[i]) }
            }
        }
    }

    /// Applies a SIMD16 function to every element (the tail is zero-padded).
    @inline(__always)
    func vectorMap(_ f: (SIMD16<Float>) -> SIMD16<Float>) -> Tensor {
        withUnsafeBufferPointer { src in
            Tensor(shape: shape) { out in
                VectorMath.map(src.baseAddress!, out.baseAddress!, out.count, f)
            }
        }
    }

    /// Applies a SIMD16 function to the elements of two same-shape tensors.
    @inline(__always)
    func vectorZipMap(_ other: Tensor, _ f: (SIMD16<Float>, SIMD16<Float>) -> SIMD16<Float>) -> Tensor {
        precondition(shape == other.shape, "vectorZipMap: shapes \(shape) and \(other.shape) differ")
        return withUnsafeBufferPointer { a in
            other.withUnsafeBufferPointer { b in
                Tensor(shape: shape) { out in
                    VectorMath.map2(a.baseAddress!, b.baseAddress!, out.baseAddress!, out.count, f)
                }
            }
        }
    }

    /// Applies `f` to the elements of two same-shape tensors.
    @inline(__always)
    public func zipMap(_ other: Tensor, _ f: (Float, Float) -> Float) -> Tensor {
        precondition(shape == other.shape, "zipMap: shapes \(shape) and \(other.shape) differ")
        return broadcastMap(other, f)
    }

    public func exp() -> Tensor { vectorMap { VectorMath.exp($0) } }
    public func log() -> Tensor { map { Foundation.log($0) } }
    public func sqrt() -> Tensor { map { $0.squareRoot() } }
    public func square() -> Tensor { map { $0 * $0 } }

    /// Adds `other` (same shape) into `self` in place; used to accumulate gradients.
    public mutating func addInPlace(_ other: Tensor) {
        precondition(shape == other.shape, "addInPlace: shapes \(shape) and \(other.shape) differ")
        other.withUnsafeBufferPointer { src in
            withUnsafeMutableBufferPointer { dst in
                for i in 0..<dst.count { dst[i] += src[i] }
            }
        }
    }

    /// Multiplies every element by `factor` in place.
    public mutating func scaleInPlace(_ factor: Float) {
        withUnsafeMutableBufferPointer { dst in
            for i in 0..<dst.count { dst[i] *= factor }
        }
    }

    public static func + (a: Tensor, b: Tensor) -> Tensor { a.binary(.add, b) }
    public static func - (a: Tensor, b: Tensor) -> Tensor { a.binary(.subtract, b) }
    public static func * (a: Tensor, b: Tensor) -> Tensor { a.binary(.multiply, b) }
    public static func / (a: Tensor, b: Tensor) -> Tensor { a.binary(.divide, b) }

    public static func + (a: Tensor, s: Float) -> Tensor { a.map { $0 + s } }
    public static func - (a: Tensor, s: Float) -> Tensor { a.map { $0 - s } }
    public static func * (a: Tensor, s: Float) -> Tensor { a.map { $0 * s } }
    public static func / (a: Tensor, s: Float) -> Tensor { a.map { $0 / s } }
    public static func + (s: Float, a: Tensor) -> Tensor { a.map { s + $0 } }
    public static func - (s: Float, a: Tensor) -> Tensor { a.map { s - $0 } }
    public static func * (s: Float, a: Tensor) -> Tensor { a.map { s * $0 } }
    public static func / (s: Float, a: Tensor) -> Tensor { a.map { s / $0 } }
    public static prefix func - (a: Tensor) -> Tensor { a.map { -$0 } }
}
