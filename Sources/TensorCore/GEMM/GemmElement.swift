/// How the GEMM reads its B operand (the weights, in a model): Float32, F16 or BF16 words.
/// B is streamed once by the matrix-vector kernels and copied once into Float32 panels by
/// the packed GEMM, so 16-bit B is widened at those two places only: in registers while
/// streaming, and while packing. A and C are always Float32.
///
/// The kernels are generic over the element type and specialised by the compiler (one copy
/// per type, the loads inlined), so the Float32 path is the same code it was before.
protocol GemmElement: Sendable {
    /// Bytes per element.
    static var width: Int { get }
    /// Element `index` of the array starting at `base`, widened.
    static func load(_ base: UnsafeRawPointer, _ index: Int) -> Float
    /// Elements `index ..< index + 16` of the array starting at `base` (any alignment), widened.
    static func load16(_ base: UnsafeRawPointer, _ index: Int) -> SIMD16<Float>
    /// Bytes from an array's start to its element `elements` (for a block format: a whole
    /// number of blocks).
    static func byteOffset(_ elements: Int) -> Int
    /// The block format's type when this is one (its rows go to the block kernel), else nil.
    /// A requirement rather than an `as?` cast, so that a specialised kernel reads a constant
    /// (the cast was a `swift_conformsToProtocol` call per matrix-vector task).
    static var blockFormat: (any QuantizedGemmElement.Type)? { get }
}

extension GemmElement {
    @inline(__always) static func byteOffset(_ elements: Int) -> Int { elements * width }
    @inline(__always) static var blockFormat: (any QuantizedGemmElement.Type)? { nil }
}

enum Float32Elements: GemmElement {
    @inline(__always) static var width: Int { 4 }
    @inline(__always)
    static func load(_ base: UnsafeRawPointer, _ index: Int) -> Float {
        base.load(fromByteOffset: 4 * index, as: Float.self)
    }
    @inline(__always)
    static func load16(_ base: UnsafeRawPointer, _ index: Int) -> SIMD16<Float> {
        base.loadUnaligned(fromByteOffset: 4 * index, as: SIMD16<Float>.self)
    }
}

enum Float16Elements: GemmElement {
    @inline(__always) static var width: Int { 2 }
    @inline(__always)
    static func load(_ base: UnsafeRawPointer, _ index: Int) -> Float {
        let bits = base.load(fromByteOffset: 2 * index, as: UInt16.self)
#if COLLATE_PORTABLE || (os(macOS) && arch(x86_64))
        return HalfPrecision.float(fromF16: bits)
#else
        return Float(Float16(bitPattern: bits))
#endif
    }
    @inline(__always)
    static func load16(_ base: UnsafeRawPointer, _ index: Int) -> SIMD16<Float> {
        widenF16x16(base + 2 * index)
    }
}

enum BFloat16Elements: GemmElement {
    @inline(__always) static var width: Int { 2 }
    @inline(__always)
    static func load(_ base: UnsafeRawPointer, _ index: Int) -> Float {
        HalfPrecision.float(fromBF16: base.load(fromByteOffset: 2 * index, as: UInt16.self))
    }
    @inline(__always)
    static func load16(_ base: UnsafeRawPointer, _ index: Int) -> SIMD16<Float> {
        widenBF16x16(base + 2 * index)
    }
}

/// A B operand as the GEMM sees it: where its elements start and how they are stored.
struct GemmMatrix: @unchecked Sendable {
    let base: UnsafeRawPointer
    let encoding: ScalarEncoding

    init(_ pointer: UnsafePointer<Float>) {
        base = UnsafeRawPointer(pointer)
        encoding = .float32
    }

    init(base: UnsafeRawPointer, encoding: ScalarEncoding) {
        self.base = base
        self.encoding = encoding
    }

    /// The same matrix starting `elements` elements further on.
    func advanced(by elements: Int) -> GemmMatrix {
        GemmMatrix(base: base + encoding.byteCount(elements: elements), encoding: encoding)
    }
}
