/// Tensors stored as F16 or BF16 words (weights kept narrow in memory).
///
/// ```swift
/// let w16 = w.stored(as: .bfloat16)        // [out, in], half the bytes, rounded to nearest even
/// let y = matmul(x, w16, transposeB: true) // the GEMM widens B in registers
/// w16.storageEncoding                      // .bfloat16
/// w16.stored(as: .float32)                 // widened copy (exact)
/// ```
/// Reading a 16-bit tensor through `withUnsafeBufferPointer` works everywhere (a widened
/// temporary), so every op accepts one; the GEMM (`matmul`, `linear`, their gradients with
/// respect to the other operand) and `embedding` read the words directly.
extension Tensor {
    /// How the elements are held in memory: `.float32`, or `.float16` / `.bfloat16` words.
    public var storageEncoding: ScalarEncoding { storage.encoding }

    /// This tensor held as `encoding`: `self` when it already is; otherwise a copy, narrowed
    /// with round-to-nearest-even (F16 overflow gives inf), widened exactly, or quantized
    /// as ggml does (a block format needs `canBeStored(as:)`).
    public func stored(as encoding: ScalarEncoding) -> Tensor {
        if encoding == storage.encoding { return self }
        if encoding == .float32 { return withUnsafeBufferPointer { Tensor($0, shape: shape) } }
        if encoding.isBlockQuantized { return quantized(as: encoding) }
        let n = count
        let fresh = TensorStorage(uninitializedCount: n, encoding: encoding)
        withUnsafeBufferPointer { values in
            if let base = values.baseAddress {
                narrowToHalfWords(base, encoding: encoding, count: n, into: fresh.halfWords)
            }
        }
        return Tensor(shape: shape, storage: fresh)
    }

    /// A tensor over a copy of `words` (F16 or BF16 bit patterns, row-major).
    public init(halfWords words: UnsafeBufferPointer<UInt16>, encoding: ScalarEncoding, shape: [Int]) {
        precondition(encoding != .float32, "Tensor(halfWords:): \(encoding) is not a 16-bit encoding")
        let n = Tensor.elementCount(shape)
        precondition(words.count == n, "Tensor(halfWords:): \(words.count) words for shape \(shape)")
        let fresh = TensorStorage(uninitializedCount: n, encoding: encoding)
        if let base = words.baseAddress { fresh.halfWords.initialize(from: base, count: n) }
        self.init(shape: shape, storage: fresh)
    }

    /// A Float32 tensor holding a copy of `values`.
    init(_ values: UnsafeBufferPointer<Float>, shape: [Int]) {
        self.init(shape: shape) { out in
            if let source = values.baseAddress, let target = out.baseAddress {
                target.initialize(from: source, count: out.count)
            }
        }
    }

    /// The 16-bit words of a tensor stored as F16 or BF16 (valid during `body`).
    func withUnsafeHalfWords<R>(_ body: (UnsafePointer<UInt16>) throws -> R) rethrows -> R {
        precondition(storage.encoding == .float16 || storage.encoding == .bfloat16, "withUnsafeHalfWords: tensor is not 16-bit")
        return try body(storage.halfWords + offset)
    }

    /// A raw view of the stored elements for kernels that dispatch on `storageEncoding`.
    func withUnsafeStoredElements<R>(_ body: (UnsafeRawPointer) throws -> R) rethrows -> R {
        if storage.encoding == .float32 { return try body(UnsafeRawPointer(storage.pointer + offset)) }
        if storage.encoding.isBlockQuantized {
            precondition(offset % storage.encoding.blockSize == 0, "withUnsafeStoredElements: view splits a quantized block")
            return try body(UnsafeRawPointer(storage.raw + storage.encoding.byteCount(elements: offset)))
        }
        return try body(UnsafeRawPointer(storage.halfWords + offset))
    }
}
