import Testing
@testable import TensorCore

/// Central finite differences against the autograd gradients.
///
/// The op under test `f` maps input Variables to an output; the scalar probed is
/// L = sum(f(x) * W) with a fixed random W (so every output element matters), accumulated in
/// Double. For every input element: dL/dx ~ (L(x + h) - L(x - h)) / (x_+ - x_-), where x_+-
/// are the actually representable perturbed Floats.
enum GradientCheck {
    static func check(_ inputs: [Tensor], step h: Float = 1e-2, tolerance: Double = 1e-2,
                      checking which: Set<Int>? = nil,
                      sourceLocation: SourceLocation = #_sourceLocation,
                      _ f: ([Variable]) -> Variable) {
        let variables = inputs.map { Variable($0, requiresGrad: true) }
        let output = f(variables)
        var rng = SeededRandom(seed: 1234)
        let weights = Tensor.normal(output.shape, using: &rng)
        (output * Variable(weights)).sum().backward()

        func probe(_ perturbed: [Tensor]) -> Double {
            withNoGrad {
                let y = f(perturbed.map { Variable($0) }).value
                return y.withUnsafeBufferPointer { ys in
                    weights.withUnsafeBufferPointer { ws in
                        var total = 0.0
                        for i in 0..<ys.count { total += Double(ys[i]) * Double(ws[i]) }
                        return total
                    }
                }
            }
        }

        for (index, input) in inputs.enumerated() where which?.contains(index) ?? true {
            guard let analytic = variables[index].grad else {
                Issue.record("input \(index) got no gradient", sourceLocation: sourceLocation)
                continue
            }
            #expect(analytic.shape == input.shape, sourceLocation: sourceLocation)
            for j in 0..<input.count {
                var plus = inputs, minus = inputs
                var xp: Float = 0, xm: Float = 0
                plus[index].withUnsafeMutableBufferPointer { $0[j] += h; xp = $0[j] }
                minus[index].withUnsafeMutableBufferPointer { $0[j] -= h; xm = $0[j] }
                let numeric = (probe(plus) - probe(minus)) / (Double(xp) - Double(xm))
                let got = Double(analytic.scalars[j])
                let error = abs(got - numeric) / max(1, abs(numeric))
                if error > tolerance {
                    Issue.record("input \(index) element \(j): autograd \(got), finite difference \(numeric)",
                                 sourceLocation: sourceLocation)
                    return
                }
            }
        }
    }
}

/// Asserts two float arrays agree elementwise within `tolerance` (absolute + relative).
func expectClose(_ actual: [Float], _ expected: [Float], tolerance: Float = 1e-5,
                 sourceLocation: SourceLocation = #_sourceLocation) {
    guard actual.count == expected.count else {
        Issue.record("count \(actual.count) != \(expected.count)", sourceLocation: sourceLocation)
        return
    }
    for i in 0..<actual.count {
        let diff = abs(actual[i] - expected[i])
        if !(diff <= tolerance * max(1, abs(expected[i]))) {
            Issue.record("element \(i): \(actual[i]) vs expected \(expected[i]) (diff \(diff))",
                         sourceLocation: sourceLocation)
            return
        }
    }
}

/// A reproducible random tensor for tests.
func randomTensor(_ shape: [Int], seed: UInt64, low: Float = -1, high: Float = 1) -> Tensor {
    var rng = SeededRandom(seed: seed)
    return Tensor.uniform(shape, low: low, high: high, using: &rng)
}
