import TensorCore

/// Assigns the training file's examples to train / validation / test (COLLATE.md, data splits).
///
/// The examples' positions are shuffled with `SplitMix64(seed)`; the first `validation` of the
/// permutation are validation, the next `test` are test (only when there is no test file), the
/// rest train. Same seed and same examples: same splits, on every machine. A test file's
/// examples are all test.
public enum SplitAssignment {
    public static func assign(count: Int, spec: SplitSpec, hasTestFile: Bool) throws(TaskDataError) -> [DataSplit] {
        let validation = spec.validationSize ?? Int((spec.validationFraction ?? 0) * Double(count) + 0.5)
        let test = hasTestFile ? 0 : Int(spec.testFraction * Double(count) + 0.5)
        guard validation + test < count else {
            throw .splits("\(count) training examples cannot give \(validation) for validation and \(test) "
                + "for test and still leave some to train on ([splits] validation_size / test_fraction)")
        }
        var order = Array(0..<count)
        var generator = SplitMix64(seed: spec.seed)
        generator.shuffle(&order)
        var splits = [DataSplit](repeating: .train, count: count)
        for position in order.prefix(validation) { splits[position] = .validation }
        for position in order.dropFirst(validation).prefix(test) { splits[position] = .test }
        return splits
    }
}
