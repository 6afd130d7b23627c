/// Constant constructors and element access (for tests, debugging, and small glue code).
extension Tensor {
    public static func zeros(_ shape: [Int]) -> Tensor { full(shape, 0) }
    public static func ones(_ shape: [Int]) -> Tensor { full(shape, 1) }

    public static func full(_ shape: [Int], _ value: Float) -> Tensor {
        let n = elementCount(shape)
        return Tensor(shape: shape, storage: TensorStorage(repeating: value, count: n))
    }

    /// A zero tensor with the shape of `other`.
    public static func zeros(like other: Tensor) -> Tensor { zeros(other.shape) }

    /// The elements in row-major order (a copy).
    public var scalars: [Float] {
        withUnsafeBufferPointer { Array($0) }
    }

    /// The single element of a one-element tensor (any rank).
    public var item: Float {
        precondition(count == 1, "item: tensor of shape \(shape) has \(count) elements")
        return element(at: offset)
    }

    /// The element at `index` of the storage, widened if it is 16-bit.
    private func element(at index: Int) -> Float {
        switch storage.encoding {
        case .float32: storage.pointer[index]
        case .float16: HalfPrecision.float(fromF16: storage.halfWords[index])
        case .bfloat16: HalfPrecision.float(fromBF16: storage.halfWords[index])
        case .q8_0, .q4_0, .q4_1: dequantizedElement(storage.raw, encoding: storage.encoding, index: index)
        }
    }

    /// Row-major strides in elements: `[D1*D2, D2, 1]` for `[D0, D1, D2]`.
    public static func strides(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var running = 1
        for axis in stride(from: shape.count - 1, through: 0, by: -1) {
            strides[axis] = running
            running *= shape[axis]
        }
        return strides
    }

    func flatIndex(_ indices: [Int]) -> Int {
        precondition(indices.count == rank, "index \(indices) does not match rank of \(shape)")
        var flat = 0
        for (axis, i) in indices.enumerated() {
            precondition(i >= 0 && i < shape[axis], "index \(indices) out of bounds for \(shape)")
            flat = flat * shape[axis] + i
        }
        return flat
    }

    /// One element by its indices (bounds-checked; for tests and glue, not for hot loops).
    public subscript(_ indices: Int...) -> Float {
        get { element(at: offset + flatIndex(indices)) }
        set {
            let i = flatIndex(indices)
            withUnsafeMutableBufferPointer { $0[i] = newValue }
        }
    }

    /// Normalises a possibly negative axis (`-1` is the last).
    func normalizedAxis(_ axis: Int) -> Int {
        let a = axis < 0 ? axis + rank : axis
        precondition(a >= 0 && a < rank, "axis \(axis) out of range for shape \(shape)")
        return a
    }

    /// True when both tensors have the same shape and bitwise-identical elements.
    public func isBitwiseEqual(_ other: Tensor) -> Bool {
        guard shape == other.shape else { return false }
        return withUnsafeBufferPointer { a in
            other.withUnsafeBufferPointer { b in
                for i in 0..<a.count where a[i].bitPattern != b[i].bitPattern { return false }
                return true
            }
        }
    }
}

extension Tensor: CustomStringConvertible {
    public var description: String {
        let shown = withUnsafeBufferPointer { Array($0.prefix(8)) }
        let more = count > 8 ? ", ..." : ""
        return "Tensor(shape: \(shape), [\(shown.map { "\($0)" }.joined(separator: ", "))\(more)])"
    }
}
