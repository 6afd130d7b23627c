import Foundation
import Testing
@testable import TensorCore

@Suite struct OptimizerTests {
    @Test func adamWMatchesHandComputedTwoSteps() {
        // One scalar parameter p0 = 1, lr = 0.1, betas (0.9, 0.999), eps 1e-8, wd 0.1;
        // gradients 0.5 then -0.25.
        let p = Variable(Tensor([1]), requiresGrad: true, name: "p")
        let optimizer = AdamW(parameters: [p], configuration: .init(weightDecay: 0.1))
        var (value, m, v) = (1.0, 0.0, 0.0)
        for (t, g) in [(1.0, 0.5), (2.0, -0.25)] {
            p.grad = Tensor([Float(g)])
            optimizer.step(learningRate: 0.1)
            value *= 1 - 0.1 * 0.1
            m = 0.9 * m + 0.1 * g
            v = 0.999 * v + 0.001 * g * g
            let mHat = m / (1 - Foundation.pow(0.9, t)), vHat = v / (1 - Foundation.pow(0.999, t))
            value -= 0.1 * mHat / (vHat.squareRoot() + 1e-8)
            #expect(abs(Double(p.value.item) - value) < 1e-6)
        }
        // By hand: step 1 moves by -lr*sign(g) after decay: 0.99 - 0.1 = 0.89.
        #expect(optimizer.stepCount == 2)
    }

    @Test func frozenAndGradlessParametersAreSkipped() {
        let frozen = Variable(Tensor([1]), requiresGrad: false, name: "frozen")
        frozen.grad = Tensor([1])
        let idle = Variable(Tensor([2]), requiresGrad: true, name: "idle")
        let optimizer = AdamW(parameters: [frozen, idle], configuration: .init(weightDecay: 0.5))
        optimizer.step(learningRate: 0.1)
        #expect(frozen.value.scalars == [1] && idle.value.scalars == [2])
        #expect(optimizer.state.tensors.isEmpty)
    }

    @Test func clipByGlobalNorm() {
        let a = Variable(Tensor([0]), requiresGrad: true), b = Variable(Tensor([0, 0]), requiresGrad: true)
        a.grad = Tensor([3]); b.grad = Tensor([0, 4])
        let norm = clipGradientNorm([a, b], maxNorm: 1)
        #expect(norm == 5)
        expectClose(a.grad!.scalars + b.grad!.scalars, [0.6, 0, 0.8])
        let again = clipGradientNorm([a, b], maxNorm: 10)      // under the limit: unchanged
        #expect(abs(again - 1) < 1e-5)
        expectClose(a.grad!.scalars, [0.6])
    }

    @Test func cosineScheduleValues() {
        let s = CosineSchedule(peak: 1e-3, warmupSteps: 10, totalSteps: 110)
        #expect(s.learningRate(at: 0) == 0)
        #expect(abs(s.learningRate(at: 5) - 5e-4) < 1e-9)
        #expect(s.learningRate(at: 10) == 1e-3)                      // end of warm-up: peak
        #expect(abs(s.learningRate(at: 60) - 5e-4) < 1e-9)           // halfway: half
        #expect(abs(s.learningRate(at: 110)) < 1e-12)                // end: zero
        #expect(abs(s.learningRate(at: 500)) < 1e-12)                // stays there
        let floored = CosineSchedule(peak: 1, warmupSteps: 0, totalSteps: 4, minimum: 0.2)
        #expect(floored.learningRate(at: 4) == 0.2 && floored.learningRate(at: 0) == 1)
        #expect(abs(floored.learningRate(at: 2) - 0.6) < 1e-6)
    }

    /// Runs `steps` updates of a small least-squares problem from the given state.
    func train(_ w: Variable, _ optimizer: AdamW, steps: Range<Int>) {
        let x = Tensor((0..<12).map { Float($0) / 6 - 1 }, shape: [4, 3])
        let target = Variable(Tensor([1, -1, 0.5, 2], shape: [4, 1]))
        for step in steps {
            optimizer.zeroGrad()
            let error = matmul(Variable(x), w) - target
            error.square().mean().backward()
            clipGradientNorm([w], maxNorm: 0.5)
            optimizer.step(learningRate: Float(0.05 / Double(step + 1)))
        }
    }

    @Test func saveAndRestoreContinuesBitwiseIdentically() throws {
        let config = AdamW.Configuration(beta1: 0.8, beta2: 0.99, eps: 1e-6, weightDecay: 0.01)
        let w = Variable(Tensor([0.1, -0.2, 0.3], shape: [3, 1]), requiresGrad: true, name: "w")
        let optimizer = AdamW(parameters: [w], configuration: config)
        train(w, optimizer, steps: 0..<3)
        let savedWeights = w.value
        let blob = optimizer.state.serialized()
        train(w, optimizer, steps: 3..<6)

        let resumed = Variable(savedWeights, requiresGrad: true, name: "w")
        let fresh = AdamW(parameters: [resumed], configuration: config)
        let decoded = try AdamWState(serialized: blob)
        #expect(decoded.stepCount == 3 && decoded.tensors.keys.sorted() == ["w.exp_avg", "w.exp_avg_sq"])
        try fresh.restore(decoded)
        #expect(fresh.state == decoded)
        train(resumed, fresh, steps: 3..<6)
        #expect(resumed.value.isBitwiseEqual(w.value))
        #expect(fresh.state == optimizer.state)
    }

    @Test func corruptStateIsRejectedWithAReason() throws {
        let w = Variable(Tensor([1, 2]), requiresGrad: true, name: "w")
        let optimizer = AdamW(parameters: [w])
        w.grad = Tensor([1, 1])
        optimizer.step(learningRate: 0.1)
        let blob = optimizer.state.serialized()
        #expect(throws: AdamWState.DecodingError.badMagic) { try AdamWState(serialized: [1, 2, 3]) }
        #expect(throws: AdamWState.DecodingError.self) { try AdamWState(serialized: Array(blob.dropLast(3))) }
        let wrong = AdamWState(stepCount: 1, tensors: ["v.exp_avg": [0, 0]])
        #expect(throws: AdamWRestoreError.unknownEntry("v.exp_avg")) { try optimizer.restore(wrong) }
        let short = AdamWState(stepCount: 1, tensors: ["w.exp_avg": [0]])
        #expect(throws: AdamWRestoreError.wrongCount(name: "w.exp_avg", expected: 2, found: 1)) {
            try optimizer.restore(short)
        }
    }
}
