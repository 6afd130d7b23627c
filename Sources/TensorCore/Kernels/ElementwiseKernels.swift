import Foundation

/// Elementwise functions as small `Sendable` structs over SIMD16 lanes.
///
/// Why structs and not closures: a closure passed through the threaded loops is called
/// indirectly per element (measured 8x slower than a plain loop); a generic parameter
/// constrained to these protocols is specialised per kernel, so each loop compiles to
/// straight vector code. Padding lanes at a tail may compute garbage (0/0); it is never stored.
protocol UnaryKernel: Sendable {
    func callAsFunction(_ x: SIMD16<Float>) -> SIMD16<Float>
}

protocol BinaryKernel: Sendable {
    func callAsFunction(_ a: SIMD16<Float>, _ b: SIMD16<Float>) -> SIMD16<Float>
}

enum Kernels {
    typealias V = SIMD16<Float>

    struct Add: BinaryKernel { func callAsFunction(_ a: V, _ b: V) -> V { a + b } }
    struct Subtract: BinaryKernel { func callAsFunction(_ a: V, _ b: V) -> V { a - b } }
    struct Multiply: BinaryKernel { func callAsFunction(_ a: V, _ b: V) -> V { a * b } }
    struct Divide: BinaryKernel { func callAsFunction(_ a: V, _ b: V) -> V { a / b } }

    /// `f(x, constant)`: a binary kernel with its second operand fixed (broadcast scalar).
    struct BindSecond<F: BinaryKernel>: UnaryKernel {
        let f: F, b: V
        func callAsFunction(_ a: V) -> V { f(a, b) }
    }

    /// `f(constant, x)`.
    struct BindFirst<F: BinaryKernel>: UnaryKernel {
        let f: F, a: V
        func callAsFunction(_ b: V) -> V { f(a, b) }
    }

    struct Exp: UnaryKernel { func callAsFunction(_ x: V) -> V { VectorMath.exp(x) } }
    struct Square: UnaryKernel { func callAsFunction(_ x: V) -> V { x * x } }
    struct SquareRoot: UnaryKernel { func callAsFunction(_ x: V) -> V { x.squareRoot() } }
    struct Negate: UnaryKernel { func callAsFunction(_ x: V) -> V { -x } }
    /// Lane by lane through libm (no vector log here; not on a hot path).
    struct Log: UnaryKernel {
        func callAsFunction(_ x: V) -> V {
            var y = x
            for i in 0..<16 { y[i] = Foundation.log(x[i]) }
            return y
        }
    }

    /// x * sigmoid(x)
    struct SiLU: UnaryKernel { func callAsFunction(_ x: V) -> V { x * VectorMath.sigmoid(x) } }
    /// dy * silu'(x), silu'(x) = s (1 + x (1 - s))
    struct SiLUBackward: BinaryKernel {
        func callAsFunction(_ x: V, _ g: V) -> V {
            let s = VectorMath.sigmoid(x)
            return g * s * (1 + x * (1 - s))
        }
    }
    /// silu(gate) * up
    struct SwiGLU: BinaryKernel { func callAsFunction(_ g: V, _ u: V) -> V { g * VectorMath.sigmoid(g) * u } }
    /// d up = dy * silu(gate)
    struct SwiGLUUpGradient: BinaryKernel {
        func callAsFunction(_ g: V, _ dy: V) -> V { dy * g * VectorMath.sigmoid(g) }
    }
}

extension Tensor {
    /// `f` over every element, into a new tensor (large tensors on several threads).
    func apply<F: UnaryKernel>(_ f: F) -> Tensor {
        withUnsafeBufferPointer { src in
            Tensor(shape: shape) { out in
                let S = SendablePointer(src.baseAddress!), O = SendablePointer(out.baseAddress!)
                parallelChunks(out.count) { r in
                    VectorMath.map(S.pointer + r.lowerBound, O.pointer + r.lowerBound, r.count, f)
                }
            }
        }
    }

    /// `f` over the elements of two same-shape tensors.
    func apply<F: BinaryKernel>(_ f: F, _ other: Tensor) -> Tensor {
        precondition(shape == other.shape, "elementwise: shapes \(shape) and \(other.shape) differ")
        return withUnsafeBufferPointer { a in
            other.withUnsafeBufferPointer { b in
                Tensor(shape: shape) { out in
                    let A = SendablePointer(a.baseAddress!), B = SendablePointer(b.baseAddress!)
                    let O = SendablePointer(out.baseAddress!)
                    parallelChunks(out.count) { r in
                        let o = r.lowerBound
                        VectorMath.map2(A.pointer + o, B.pointer + o, O.pointer + o, r.count, f)
                    }
                }
            }
        }
    }

    /// `f(self, other)` with numpy broadcasting.
    func broadcastApply<F: BinaryKernel>(_ f: F, _ other: Tensor) -> Tensor {
        if shape == other.shape { return apply(f, other) }
        let outShape = Broadcast.shape(shape, other.shape)
        // A one-element operand of a tensor that already has the output's size: bind it.
        if other.count == 1 && count == Tensor.elementCount(outShape) {
            return apply(Kernels.BindSecond(f: f, b: SIMD16(repeating: other.item))).reshaped(outShape)
        }
        if count == 1 && other.count == Tensor.elementCount(outShape) {
            return other.apply(Kernels.BindFirst(f: f, a: SIMD16(repeating: item))).reshaped(outShape)
        }
        let sa = Broadcast.strides(of: shape, broadcastTo: outShape)
        let sb = Broadcast.strides(of: other.shape, broadcastTo: outShape)
        let inner = outShape.last ?? 1
        let ia = sa.last ?? 0, ib = sb.last ?? 0
        return withUnsafeBufferPointer { a in
            other.withUnsafeBufferPointer { b in
                Tensor(shape: outShape) { out in
                    let A = a.baseAddress!, B = b.baseAddress!, O = out.baseAddress!
                    Broadcast.forEachRow(outShape, sa, sb) { o, oa, ob in
                        if ia == 1 && ib == 1 {
                            VectorMath.map2(A + oa, B + ob, O + o, inner, f)
                        } else if ia == 1 {
                            VectorMath.map(A + oa, O + o, inner, Kernels.BindSecond(f: f, b: SIMD16(repeating: B[ob])))
                        } else if ib == 1 {
                            VectorMath.map(B + ob, O + o, inner, Kernels.BindFirst(f: f, a: SIMD16(repeating: A[oa])))
                        } else {
                            let v = f(SIMD16(repeating: A[oa]), SIMD16(repeating: B[ob]))[0]
                            (O + o).initialize(repeating: v, count: inner)
                        }
                    }
                }
            }
        }
    }
}
