import Foundation
import Testing
@testable import TensorCore

@Suite struct VectorMathTests {
    @Test func vectorisedExpMatchesFoundationWithinAFewUlp() {
        var worst: Float = 0
        var x: Float = -87
        while x < 88 {
            let lanes = SIMD16<Float>((0..<16).map { x + Float($0) * 0.0137 })
            let got = VectorMath.exp(lanes)
            for i in 0..<16 {
                let expected = Foundation.exp(Double(lanes[i]))
                worst = Swift.max(worst, Float(abs(Double(got[i]) - expected) / expected))
            }
            x += 0.173
        }
        #expect(worst < 4e-7, "worst relative error \(worst)")
    }

    @Test func expLimits() {
        var v = SIMD16<Float>(repeating: 0)
        v[0] = -.infinity; v[1] = .infinity; v[2] = .nan; v[3] = -100; v[4] = 100; v[5] = 0
        let e = VectorMath.exp(v)
        #expect(e[0] == 0 && e[1] == .infinity && e[2].isNaN && e[3] == 0 && e[4] == .infinity && e[5] == 1)
    }

    @Test func rowHelpersHandleTails() {
        let xs: [Float] = (0..<37).map { Float($0) * 0.1 - 2 }
        xs.withUnsafeBufferPointer { p in
            #expect(VectorMath.max(p.baseAddress!, 37) == xs.max()!)
            let total = VectorMath.expShifted(p.baseAddress!, nil, 37, shift: 1)
            let expected = xs.map { Foundation.exp(Double($0) - 1) }.reduce(0, +)
            #expect(abs(Double(total) - expected) / expected < 1e-6)
            let dot = VectorMath.dot(p.baseAddress!, p.baseAddress!, 37)
            #expect(abs(dot - xs.map { $0 * $0 }.reduce(0, +)) < 1e-3)
        }
    }
}
