import Foundation
import Testing
@testable import TensorCore

@Suite struct LossTests {
    let logits = Tensor([1, 2, 3, 0, 0, 0, 5, 1, -1], shape: [3, 3])

    @Test func crossEntropyMatchesHandComputedValues() {
        let lse0 = Foundation.log(Foundation.exp(1.0) + Foundation.exp(2.0) + Foundation.exp(3.0))
        let row0 = lse0 - 3                       // target 2
        let row1 = Foundation.log(3.0)            // uniform row
        let lse2 = Foundation.log(Foundation.exp(5.0) + Foundation.exp(1.0) + Foundation.exp(-1.0))
        let row2 = lse2 - 1                       // target 1
        let all = crossEntropy(logits: logits, targets: [2, 0, 1])
        #expect(abs(Double(all.item) - (row0 + row1 + row2) / 3) < 1e-6)
        // Masked rows drop out of the mean and their targets are never read.
        let masked = crossEntropy(logits: logits, targets: [2, -100, 1], mask: [true, false, true])
        #expect(abs(Double(masked.item) - (row0 + row2) / 2) < 1e-6)
        #expect(crossEntropy(logits: logits, targets: [0, 0, 0], mask: [false, false, false]).item == 0)
        let lp = tokenLogProbs(logits: logits, targets: [2, -1, 1], mask: [true, false, true])
        expectClose(lp.scalars, [Float(-row0), 0, Float(-row2)])
    }

    @Test func lossGradients() {
        let x = randomTensor([4, 6], seed: 31, low: -2, high: 2)
        GradientCheck.check([x]) { v in crossEntropy(logits: v[0], targets: [1, 5, 0, 2]) }
        GradientCheck.check([x]) { v in
            crossEntropy(logits: v[0], targets: [1, -100, 0, 2], mask: [true, false, true, true])
        }
        GradientCheck.check([x]) { v in
            tokenLogProbs(logits: v[0], targets: [3, 3, -1, 4], mask: [true, true, false, true])
        }
    }

    @Test func crossEntropyGradientIsSoftmaxMinusOneHot() {
        let x = Variable(logits, requiresGrad: true)
        crossEntropy(logits: x, targets: [2, 0, 1]).backward()
        var expected = logits.softmax()
        expected[0, 2] -= 1; expected[1, 0] -= 1; expected[2, 1] -= 1
        expectClose(x.grad!.scalars, (expected / 3).scalars, tolerance: 1e-6)
    }
}
