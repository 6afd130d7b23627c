/// Shape ops on `Variable`s: each gradient is the inverse rearrangement.
extension Variable {
    /// A view with a new shape; the gradient is reshaped back.
    public func reshaped(_ shape: [Int]) -> Variable {
        let original = value.shape
        return Variable.record(value.reshaped(shape), inputs: [self]) { g, _ in [g.reshaped(original)] }
    }

    /// Axes `a` and `b` swapped; the gradient swaps them back.
    public func transposed(_ a: Int, _ b: Int) -> Variable {
        Variable.record(value.transposed(a, b), inputs: [self]) { g, _ in [g.transposed(a, b)] }
    }

    /// Elements `range` along `axis`; the gradient is zero outside the range.
    public func slice(axis: Int, _ range: Range<Int>) -> Variable {
        let axis = value.normalizedAxis(axis), shape = value.shape
        return Variable.record(value.slice(axis: axis, range), inputs: [self]) { g, _ in
            [Tensor.padded(g, into: shape, axis: axis, at: range.lowerBound)]
        }
    }

    /// `variables` joined along `axis`; each gets its slice of the gradient.
    public static func concatenate(_ variables: [Variable], axis: Int) -> Variable {
        precondition(!variables.isEmpty, "concatenate: no variables")
        let axis = variables[0].value.normalizedAxis(axis)
        let lengths = variables.map { $0.shape[axis] }
        let out = Tensor.concatenate(variables.map(\.value), axis: axis)
        return record(out, inputs: variables) { g, needs in
            var start = 0
            return zip(lengths, needs).map { length, need in
                defer { start += length }
                return need ? g.slice(axis: axis, start..<(start + length)) : nil
            }
        }
    }
}
