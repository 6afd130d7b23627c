/// SIMD16 building blocks for the row kernels (softmax, log-sum-exp, SiLU, attention,
/// cross-entropy): exp, sums and maxima over contiguous Float runs.
///
/// `exp` is the Cephes-style range reduction exp(x) = 2^n * exp(r), |r| <= ln2/2, with a
/// degree-7 Taylor polynomial for exp(r): relative error about 1e-7 (a few ulp), and exact
/// limits: exp(-inf) = 0 (masked scores), exp(+large) = inf, NaN stays NaN (so a diverging
/// run is still detected). Scalar `Foundation.exp` cannot be vectorised and dominated the
/// softmax of a 49k vocabulary.
enum VectorMath {
    typealias Vector = SIMD16<Float>
    static let width = 16

    @inline(__always)
    static func exp(_ x: Vector) -> Vector {
        let log2e: Float = 1.442_695_04, ln2hi: Float = 0.693_359_375, ln2lo: Float = -2.121_944_4e-4
        // Clamp so 2^n stays a normal float (n in [-126, 127]); limits are patched below.
        // (pointwiseMin/Max and the bit tricks below compile to vector instructions;
        // `clamped`, `SIMD16<Int32>(_:rounding:)` and `&<<` go lane by lane, 5-50x slower.)
        let clamped = pointwiseMax(pointwiseMin(x, Vector(repeating: 88.3)), Vector(repeating: -87.3))
        // Round to nearest by adding 1.5 * 2^23: the integer n lands in the low mantissa bits.
        let magic: Float = 12_582_912
        let shifted = Vector(repeating: magic).addingProduct(clamped, log2e)
        let n = shifted - magic
        let r = clamped.addingProduct(n, -ln2hi).addingProduct(n, -ln2lo)
        // Horner with fused multiply-adds: p = c + p * r.
        var p = Vector(repeating: 1.0 / 720).addingProduct(Vector(repeating: 1.0 / 5040), r)
        p = Vector(repeating: 1.0 / 120).addingProduct(p, r)
        p = Vector(repeating: 1.0 / 24).addingProduct(p, r)
        p = Vector(repeating: 1.0 / 6).addingProduct(p, r)
        p = Vector(repeating: 0.5).addingProduct(p, r)
        p = Vector(repeating: 1).addingProduct(p, r)
        p = Vector(repeating: 1).addingProduct(p, r)
        let nBits = unsafeBitCast(shifted, to: SIMD16<Int32>.self) &- Int32(bitPattern: magic.bitPattern)
        // (n + 127) << 23, written as a multiply: SIMD `&<<` is lowered lane by lane.
        let exponent = (nBits &+ 127) &* 8_388_608
        var result = p * unsafeBitCast(exponent, to: Vector.self)
        result.replace(with: 0, where: x .< -87.3)
        result.replace(with: .infinity, where: x .> 88.72)
        result.replace(with: x, where: x .!= x)
        return result
    }

    @inline(__always)
    static func load(_ p: UnsafePointer<Float>) -> Vector {
        UnsafeRawPointer(p).loadUnaligned(as: Vector.self)
    }

    @inline(__always)
    static func store(_ v: Vector, _ p: UnsafeMutablePointer<Float>) {
        UnsafeMutableRawPointer(p).storeBytes(of: v, as: Vector.self)
    }

    /// The last `count < 16` elements as a vector padded with `fill`.
    @inline(__always)
    static func loadPartial(_ p: UnsafePointer<Float>, _ count: Int, fill: Float) -> Vector {
        var v = Vector(repeating: fill)
        for i in 0..<count { v[i] = p[i] }
        return v
    }

    /// max of x[0..<n] (-inf for n == 0). NaN-free inputs assumed; a NaN may be skipped.
    @inline(__always)
    static func max(_ x: UnsafePointer<Float>, _ n: Int) -> Float {
        // Compare-and-select, not pointwiseMax: with a loop-carried accumulator the latter
        // is scalarised (NaN rules per lane) and runs ~30x slower.
        var acc = Vector(repeating: -.infinity)
        var i = 0
        while i + width <= n {
            let v = load(x + i)
            acc.replace(with: v, where: v .> acc)
            i += width
        }
        if i < n {
            let v = loadPartial(x + i, n - i, fill: -.infinity)
            acc.replace(with: v, where: v .> acc)
        }
        var best = acc[0]
        for lane in 1..<width where acc[lane] > best { best = acc[lane] }
        return best
    }

    /// y[i] = exp(x[i] - shift) (y may alias x, or be nil to only sum); returns the sum.
    @inline(__always)
    static func expShifted(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>?,
                           _ n: Int, shift: Float) -> Float {
        var acc = Vector(repeating: 0)
        let s = Vector(repeating: shift)
        var i = 0
        while i + width <= n {
            let e = exp(load(x + i) - s)
            if let y { store(e, y + i) }
            acc += e
            i += width
        }
        if i < n {
            let e = exp(loadPartial(x + i, n - i, fill: -.infinity) - s)
            if let y { for j in 0..<(n - i) { y[i + j] = e[j] } }
            acc += e
        }
        return acc.sum()
    }

    /// sum of a[i] * b[i].
    @inline(__always)
    static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
        var acc = Vector(repeating: 0)
        var i = 0
        while i + width <= n { acc += load(a + i) * load(b + i); i += width }
        var tail: Float = 0
        while i < n { tail += a[i] * b[i]; i += 1 }
        return acc.sum() + tail
    }

    /// y[i] = f(x[i]) over vectors, with `f` applied to a zero-padded vector at the tail.
    @inline(__always)
    static func map<F: UnaryKernel>(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ n: Int,
                                    _ f: F) {
        var i = 0
        while i + width <= n { store(f(load(x + i)), y + i); i += width }
        if i < n {
            let v = f(loadPartial(x + i, n - i, fill: 0))
            for j in 0..<(n - i) { y[i + j] = v[j] }
        }
    }

    /// y[i] = f(a[i], b[i]) over vectors.
    @inline(__always)
    static func map2<F: BinaryKernel>(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
                                      _ y: UnsafeMutablePointer<Float>, _ n: Int, _ f: F) {
        var i = 0
        while i + width <= n { store(f(load(a + i), load(b + i)), y + i); i += width }
        if i < n {
            let v = f(loadPartial(a + i, n - i, fill: 0), loadPartial(b + i, n - i, fill: 0))
            for j in 0..<(n - i) { y[i + j] = v[j] }
        }
    }

    /// sigmoid(x) = 1 / (1 + exp(-x)).
    @inline(__always)
    static func sigmoid(_ x: Vector) -> Vector {
        1 / (1 + exp(-x))
    }
}
