/// A Float32 tensor value: a shape and contiguous row-major storage (Float32, or F16/BF16
/// words for weights kept narrow in memory: see `TensorStorage` and Tensor+HalfStorage.swift).
///
/// ```swift
/// var x = Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3])   // [2, 3]
/// let y = x.reshaped([3, 2])                           // shares storage, no copy
/// x[0, 1] = 7                                          // copy-on-write: y is unchanged
/// let z = Tensor.zeros([4, 576])                       // also .ones, .full, .random...
/// ```
///
/// - Value semantics, copy-on-write: copying a `Tensor` copies one reference; the first
///   mutation of a shared buffer copies it. Big tensors are never copied by accident.
/// - Always contiguous. A tensor may view a window `[offset, offset + count)` of a larger
///   buffer: `reshaped` and `rows(_:)` (a range of the first axis) are views, everything else
///   makes a new buffer.
/// - Kernels read through `withUnsafeBufferPointer`, and write fresh outputs through
///   `Tensor(shape:filling:)` which hands out the uninitialised buffer once.
/// The math lives in `Kernels/` as functions on `Tensor` (no autograd, used by inference);
/// `Variable` (in `Autograd/`) wraps the same kernels with backward rules.
public struct Tensor: Sendable {
    /// Dimensions, outermost first. `[]` is a scalar (one element).
    public private(set) var shape: [Int]
    var storage: TensorStorage
    /// Index of this tensor's first element inside `storage`.
    var offset: Int

    /// Number of elements (product of the shape; 1 for a scalar).
    public var count: Int { Tensor.elementCount(shape) }
    /// Number of dimensions.
    public var rank: Int { shape.count }

    init(shape: [Int], storage: TensorStorage, offset: Int = 0) {
        self.shape = shape
        self.storage = storage
        self.offset = offset
    }

    /// A new tensor whose uninitialised buffer `fill` must write completely.

    public init(shape: [Int], filling fill: (UnsafeMutableBufferPointer<Float>) -> Void) {
        let count = Tensor.elementCount(shape)
        let storage = TensorStorage(uninitializedCount: count)
        fill(UnsafeMutableBufferPointer(start: storage.pointer, count: count))
        self.init(shape: shape, storage: storage)
    }

    /// A tensor holding `scalars` (row-major) with `shape`; the counts must agree.
    public init(_ scalars: [Float], shape: [Int]) {
        precondition(scalars.count == Tensor.elementCount(shape),
                     "Tensor: \(scalars.count) scalars do not fill shape \(shape)")
        self.init(shape: shape) { buffer in
            _ = buffer.initialize(from: scalars)
        }
    }

    /// A 1-D tensor holding `scalars`.
    public init(_ scalars: [Float]) {
        self.init(scalars, shape: [scalars.count])
    }

    /// A rank-0 tensor holding one value.
    public init(scalar: Float) {
        self.init([scalar], shape: [])
    }

    public static func elementCount(_ shape: [Int]) -> Int {
        var n = 1
        for d in shape {
            precondition(d >= 0, "Tensor: negative dimension in \(shape)")
            n *= d
        }
        return n
    }

    /// Reads the elements in row-major order.

    /// 16-bit storage is widened into a temporary buffer for the duration of `body` (the
    /// GEMM and the embedding read 16-bit weights directly instead).
    public func withUnsafeBufferPointer<R>(
        _ body: (UnsafeBufferPointer<Float>) throws -> R
    ) rethrows -> R {
        if storage.encoding == .float32 {
            return try body(UnsafeBufferPointer(start: storage.pointer + offset, count: count))
        }
        let n = count
        let widened = UnsafeMutablePointer<Float>.allocate(capacity: Swift.max(n, 1))
        defer { widened.deallocate() }
        storage.widen(from: offset, count: n, into: widened)
        return try body(UnsafeBufferPointer(start: widened, count: n))
    }

    /// Writes the elements in place, copying the buffer first if it is shared.
    public mutating func withUnsafeMutableBufferPointer<R>(
        _ body: (UnsafeMutableBufferPointer<Float>) throws -> R
    ) rethrows -> R {
        makeUnique()
        return try body(UnsafeMutableBufferPointer(start: storage.pointer + offset, count: count))
    }

    /// Copy-on-write: after this, `storage` is Float32 and belongs to this tensor alone
    /// (writing to a 16-bit tensor widens it first).
    mutating func makeUnique() {
        if storage.encoding == .float32 && isKnownUniquelyReferenced(&storage) { return }
        let n = count
        let fresh = TensorStorage(uninitializedCount: n)
        storage.widen(from: offset, count: n, into: fresh.pointer)
        storage = fresh
        offset = 0
    }

    /// The same elements with another shape of equal element count (a view, no copy).
    /// One dimension may be `-1` and is inferred.
    public func reshaped(_ newShape: [Int]) -> Tensor {
        var resolved = newShape
        if let hole = newShape.firstIndex(of: -1) {
            var known = 1
            for (i, d) in newShape.enumerated() where i != hole { known *= d }
            precondition(known > 0 && count % known == 0,
                         "reshape: cannot infer -1 in \(newShape) from \(shape)")
            resolved[hole] = count / known
        }
        precondition(Tensor.elementCount(resolved) == count,
                     "reshape: \(shape) has \(count) elements, \(resolved) wants a different count")
        return Tensor(shape: resolved, storage: storage, offset: offset)
    }

    /// Rows `range` of the first axis (a view, no copy): `x.rows(2..<5)` of `[10, D]` is `[3, D]`.
    public func rows(_ range: Range<Int>) -> Tensor {
        precondition(rank >= 1 && range.lowerBound >= 0 && range.upperBound <= shape[0],
                     "rows: \(range) out of bounds for shape \(shape)")
        let rowSize = count / Swift.max(shape[0], 1)
        var newShape = shape
        newShape[0] = range.count
        return Tensor(shape: newShape, storage: storage, offset: offset + range.lowerBound * rowSize)
    }
}
