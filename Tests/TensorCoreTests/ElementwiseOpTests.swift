import Foundation
import Testing
@testable import TensorCore

@Suite struct ElementwiseOpTests {
    @Test func broadcastingForwardMatchesHandValues() {
        let a = Tensor([1, 2, 3, 4, 5, 6], shape: [2, 3])
        #expect((a + Tensor([10, 20, 30])).scalars == [11, 22, 33, 14, 25, 36])
        #expect((a * Tensor([2, 3], shape: [2, 1])).scalars == [2, 4, 6, 12, 15, 18])
        #expect((Tensor([1, 2], shape: [2, 1]) - Tensor([1, 2, 3], shape: [1, 3])).scalars
                == [0, -1, -2, 1, 0, -1])
        #expect((a / Tensor(scalar: 2)).scalars == [0.5, 1, 1.5, 2, 2.5, 3])
        #expect((Tensor(scalar: 6) / Tensor([1, 2, 3])).scalars == [6, 3, 2])
        #expect((a - 1).scalars == [0, 1, 2, 3, 4, 5])
        #expect((2 - Tensor([1, 2])).scalars == [1, 0])
        #expect((-Tensor([1, -2])).scalars == [-1, 2])
        let big = Tensor.ones([2, 1, 3]) * Tensor([1, 2, 3, 4], shape: [4, 1])
        #expect(big.shape == [2, 4, 3] && big[1, 3, 2] == 4 && big[0, 1, 0] == 2)
    }

    @Test func unaryForward() {
        let x = Tensor([0.5, 1, 4])
        expectClose(x.exp().scalars, [Foundation.exp(Float(0.5)), Foundation.exp(Float(1)), Foundation.exp(Float(4))])
        expectClose(x.log().scalars, [Foundation.log(Float(0.5)), 0, Foundation.log(Float(4))])
        #expect(x.sqrt().scalars == [Float(0.5).squareRoot(), 1, 2])
        #expect(x.square().scalars == [0.25, 1, 16])
    }

    @Test(arguments: [
        ([2, 3], [2, 3]), ([2, 3], [3]), ([2, 1, 3], [4, 1]), ([3, 1], [1, 4]), ([2, 3], []),
    ] as [([Int], [Int])])
    func binaryGradientsWithBroadcasting(shapes: ([Int], [Int])) {
        let a = randomTensor(shapes.0, seed: 1)
        // Keep the divisor away from zero.
        let b = randomTensor(shapes.1, seed: 2, low: 0.5, high: 1.5)
        GradientCheck.check([a, b]) { v in v[0] + v[1] }
        GradientCheck.check([a, b]) { v in v[0] - v[1] }
        GradientCheck.check([a, b]) { v in v[0] * v[1] }
        GradientCheck.check([a, b]) { v in v[0] / v[1] }
    }

    @Test func scalarAndUnaryGradients() {
        let x = randomTensor([2, 3], seed: 3)
        let positive = randomTensor([2, 3], seed: 4, low: 0.5, high: 2)
        GradientCheck.check([x]) { v in v[0] * 3 + 1 }
        GradientCheck.check([x]) { v in 2 - v[0] / 4 }
        GradientCheck.check([positive]) { v in 1 / v[0] }
        GradientCheck.check([x]) { v in -v[0] }
        GradientCheck.check([x]) { v in v[0].exp() }
        GradientCheck.check([positive]) { v in v[0].log() }
        GradientCheck.check([positive]) { v in v[0].sqrt() }
        GradientCheck.check([x]) { v in v[0].square() }
    }

    @Test func sameInputTwiceAccumulates() {
        let x = Variable(Tensor([3, -2]), requiresGrad: true)
        (x * x + x).sum().backward()
        #expect(x.grad?.scalars == [7, -3])         // 2x + 1
    }
}

@Suite struct ReductionOpTests {
    let x = Tensor([1, 5, 3, 4, 2, 6], shape: [2, 3])

    @Test func axisReductionsForward() {
        #expect(x.sum(axis: 0).scalars == [5, 7, 9])
        #expect(x.sum(axis: 1).scalars == [9, 12] && x.sum(axis: 1).shape == [2])
        #expect(x.sum(axis: -1, keepDim: true).shape == [2, 1])
        #expect(x.mean(axis: 1).scalars == [3, 4])
        #expect(x.max(axis: 0).scalars == [4, 5, 6])
        #expect(x.max(axis: 1, keepDim: true).scalars == [5, 6])
        #expect(x.sum().item == 21 && x.mean().item == 3.5 && x.max().item == 6)
        let cube = Tensor((0..<24).map(Float.init), shape: [2, 3, 4])
        #expect(cube.sum(axis: 1).scalars == [12, 15, 18, 21, 48, 51, 54, 57])
    }

    @Test func reductionGradients() {
        let t = randomTensor([2, 3, 4], seed: 5)
        for axis in [0, 1, 2, -1] {
            GradientCheck.check([t]) { v in v[0].sum(axis: axis) }
            GradientCheck.check([t]) { v in v[0].mean(axis: axis, keepDim: true) }
            GradientCheck.check([t], step: 1e-3) { v in v[0].max(axis: axis) }
        }
        GradientCheck.check([t]) { v in v[0].sum() }
        GradientCheck.check([t]) { v in v[0].mean() }
        GradientCheck.check([t], step: 1e-3) { v in v[0].max() }
    }

    @Test func softmaxForwardIsStableAndNormalised() {
        let logits = Tensor([1, 2, 3, 1000, 1001, 1002], shape: [2, 3])
        let p = logits.softmax()
        let e = [Foundation.exp(-2.0), Foundation.exp(-1.0), 1]
        let z = e.reduce(0, +)
        expectClose(p.scalars, (e + e).map { Float($0 / z) })
        expectClose(logits.logSoftmax().scalars, (e + e).map { Float(Foundation.log($0 / z)) })
        #expect(p.scalars.allSatisfy { $0.isFinite })
    }

    @Test func softmaxGradients() {
        let t = randomTensor([3, 5], seed: 6, low: -3, high: 3)
        GradientCheck.check([t]) { v in v[0].softmax() }
        GradientCheck.check([t]) { v in v[0].logSoftmax() }
        GradientCheck.check([randomTensor([2, 2, 4], seed: 7)]) { v in v[0].softmax() }
    }
}
