/// The heap buffer behind a `Tensor`: one contiguous allocation of Float32.
///
/// A class so that copying a `Tensor` copies a reference, never the data; `Tensor` keeps it
/// copy-on-write by checking `isKnownUniquelyReferenced` before every mutation.
///
/// `@unchecked Sendable`: the buffer is only written while it is uniquely referenced (a fresh
/// output being filled, or the COW path of `Tensor`), so once shared it is read-only and safe
/// to read from many threads. Kernels that write disjoint parts of one fresh buffer from
/// several threads do so before the tensor is published.
public final class TensorStorage: @unchecked Sendable {
    /// Start of the allocation; `count` Floats, uninitialised until written.
    let pointer: UnsafeMutablePointer<Float>
    let count: Int

    /// Allocates `count` Floats without initialising them (callers fill every element).
    init(uninitializedCount count: Int) {
        self.count = count
        // 64-byte alignment keeps SIMD16 loads on cache-line boundaries.
        let raw = UnsafeMutableRawPointer.allocate(
            byteCount: max(count, 1) * MemoryLayout<Float>.stride, alignment: 64)
        pointer = raw.bindMemory(to: Float.self, capacity: max(count, 1))
    }

    convenience init(repeating value: Float, count: Int) {
        self.init(uninitializedCount: count)
        pointer.initialize(repeating: value, count: count)
    }

    deinit {
        UnsafeMutableRawPointer(pointer).deallocate()
    }
}
