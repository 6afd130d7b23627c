/// Elementwise ops on `Tensor`: binary ops with numpy broadcasting, scalar ops, unary maps,
/// and in-place accumulation. All run through the specialised SIMD kernels of
/// ElementwiseKernels.swift (threaded for large tensors).
public enum BinaryOperator: Sendable {
    case add, subtract, multiply, divide
}

extension Tensor {
    /// `self op other` with broadcasting.
    public func binary(_ op: BinaryOperator, _ other: Tensor) -> Tensor {
        switch op {
        case .add: return broadcastApply(Kernels.Add(), other)
        case .subtract: return broadcastApply(Kernels.Subtract(), other)
        case .multiply: return broadcastApply(Kernels.Multiply(), other)
        case .divide: return broadcastApply(Kernels.Divide(), other)
        }
    }

    /// Applies `f` to every element into a new tensor (a scalar closure: convenient, but
    /// slower than the built-in ops; for glue code and tests).
    public func map(_ f: (Float) -> Float) -> Tensor {
        withUnsafeBufferPointer { src in
            Tensor(shape: shape) { out in
                for i in 0..<out.count { out[i] = f(src[i]) }
            }
        }
    }

    /// Applies `f` to the elements of two same-shape tensors (scalar closure, as `map`).
    public func zipMap(_ other: Tensor, _ f: (Float, Float) -> Float) -> Tensor {
        precondition(shape == other.shape, "zipMap: shapes \(shape) and \(other.shape) differ")
        return withUnsafeBufferPointer { a in
            other.withUnsafeBufferPointer { b in
                Tensor(shape: shape) { out in
                    for i in 0..<out.count { out[i] = f(a[i], b[i]) }
                }
            }
        }
    }

    public func exp() -> Tensor { apply(Kernels.Exp()) }
    public func log() -> Tensor { apply(Kernels.Log()) }
    public func sqrt() -> Tensor { apply(Kernels.SquareRoot()) }
    public func square() -> Tensor { apply(Kernels.Square()) }

    /// Adds `other` (same shape) into `self` in place; used to accumulate gradients.
    public mutating func addInPlace(_ other: Tensor) {
        precondition(shape == other.shape, "addInPlace: shapes \(shape) and \(other.shape) differ")
        other.withUnsafeBufferPointer { src in
            withUnsafeMutableBufferPointer { dst in
                VectorMath.map2(dst.baseAddress!, src.baseAddress!, dst.baseAddress!, dst.count, Kernels.Add())
            }
        }
    }

    /// Multiplies every element by `factor` in place.
    public mutating func scaleInPlace(_ factor: Float) {
        withUnsafeMutableBufferPointer { dst in
            VectorMath.map(dst.baseAddress!, dst.baseAddress!, dst.count,
                           Kernels.BindSecond(f: Kernels.Multiply(), b: SIMD16(repeating: factor)))
        }
    }

    public static func + (a: Tensor, b: Tensor) -> Tensor { a.binary(.add, b) }
    public static func - (a: Tensor, b: Tensor) -> Tensor { a.binary(.subtract, b) }
    public static func * (a: Tensor, b: Tensor) -> Tensor { a.binary(.multiply, b) }
    public static func / (a: Tensor, b: Tensor) -> Tensor { a.binary(.divide, b) }

    public static func + (a: Tensor, s: Float) -> Tensor { a.apply(Kernels.BindSecond(f: Kernels.Add(), b: SIMD16(repeating: s))) }
    public static func - (a: Tensor, s: Float) -> Tensor { a.apply(Kernels.BindSecond(f: Kernels.Subtract(), b: SIMD16(repeating: s))) }
    public static func * (a: Tensor, s: Float) -> Tensor { a.apply(Kernels.BindSecond(f: Kernels.Multiply(), b: SIMD16(repeating: s))) }
    public static func / (a: Tensor, s: Float) -> Tensor { a.apply(Kernels.BindSecond(f: Kernels.Divide(), b: SIMD16(repeating: s))) }
    public static func + (s: Float, a: Tensor) -> Tensor { a + s }
    public static func - (s: Float, a: Tensor) -> Tensor { a.apply(Kernels.BindFirst(f: Kernels.Subtract(), a: SIMD16(repeating: s))) }
    public static func * (s: Float, a: Tensor) -> Tensor { a * s }
    public static func / (s: Float, a: Tensor) -> Tensor { a.apply(Kernels.BindFirst(f: Kernels.Divide(), a: SIMD16(repeating: s))) }
    public static prefix func - (a: Tensor) -> Tensor { a.apply(Kernels.Negate()) }
}
