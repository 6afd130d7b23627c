/// The heap buffer behind a `Tensor`: one contiguous allocation of Float32, or of 16-bit
/// words (F16 or BF16) or ggml quantized blocks (BlockQuantization.swift) for weights kept
/// narrow in memory.
///
/// A class so that copying a `Tensor` copies a reference, never the data; `Tensor` keeps it
/// copy-on-write by checking `isKnownUniquelyReferenced` before every mutation.
///
/// 16-bit storage is for read-mostly tensors (weights): decoding is bound by memory
/// bandwidth, so half the bytes per weight is up to twice the speed. The GEMM and the
/// embedding read it directly and widen in registers; any other reader gets a widened
/// temporary copy (`Tensor.withUnsafeBufferPointer`), and the first write turns the tensor
/// back into Float32 (`Tensor.makeUnique`).
///
/// `@unchecked Sendable`: the buffer is only written while it is uniquely referenced (a fresh
/// output being filled, or the COW path of `Tensor`), so once shared it is read-only and safe
/// to read from many threads. Kernels that write disjoint parts of one fresh buffer from
/// several threads do so before the tensor is published.
public final class TensorStorage: @unchecked Sendable {
    /// Start of the allocation: `count` elements of `encoding`, uninitialised until written.
    let raw: UnsafeMutableRawPointer
    let count: Int
    /// `.float32`, or the 16-bit format of the words at `raw`.
    let encoding: ScalarEncoding

    /// Allocates `count` elements without initialising them (callers fill every element).
    init(uninitializedCount count: Int, encoding: ScalarEncoding = .float32) {
        self.count = count
        self.encoding = encoding
        // 64-byte alignment keeps SIMD16 loads on cache-line boundaries.
        raw = UnsafeMutableRawPointer.allocate(
            byteCount: max(encoding.byteCount(elements: max(count, 1)), 4), alignment: 64)
        if encoding == .float32 {
            raw.bindMemory(to: Float.self, capacity: max(count, 1))
        } else if encoding.isBlockQuantized {
            raw.bindMemory(to: UInt8.self, capacity: encoding.byteCount(elements: max(count, 1)))
        } else {
            raw.bindMemory(to: UInt16.self, capacity: max(count, 1))
        }
    }

    convenience init(repeating value: Float, count: Int) {
        self.init(uninitializedCount: count)
        pointer.initialize(repeating: value, count: count)
    }

    /// The Float32 elements; only for `.float32` storage.
    var pointer: UnsafeMutablePointer<Float> {
        raw.assumingMemoryBound(to: Float.self)
    }

    /// The 16-bit words; only for `.float16` / `.bfloat16` storage.
    var halfWords: UnsafeMutablePointer<UInt16> {
        raw.assumingMemoryBound(to: UInt16.self)
    }

    deinit {
        raw.deallocate()
    }
}
