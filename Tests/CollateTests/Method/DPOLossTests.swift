import Foundation
import Testing
@testable import Collate

@Suite struct DPOLossTests {
    /// Pair 1: D = (-10 - -11) - (-12 - -11) = 2. Pair 2: D = (-5 - -5) - (-4 - -5) = -1.
    let twoPairs = DPOBatch(
        policyChosen: [-10, -5], policyRejected: [-12, -4],
        referenceChosen: [-11, -5], referenceRejected: [-11, -5],
        chosenTokenCounts: [5, 2], rejectedTokenCounts: [4, 2])

    /// Three pairs with unequal lengths and no special values, for the finite differences.
    let threePairs = DPOBatch(
        policyChosen: [-10.3, -4.1, -20], policyRejected: [-11.7, -6.2, -19],
        referenceChosen: [-10.9, -4.4, -21], referenceRejected: [-11.2, -5.9, -18.5],
        chosenTokenCounts: [5, 3, 9], rejectedTokenCounts: [6, 2, 8])

    @Test func sigmoidMatchesHandComputedValues() throws {
        let result = try DPOLoss.compute(twoPairs, beta: 0.1, type: .sigmoid)
        // log(1 + e^-0.2) = 0.5981388693815918, log(1 + e^0.1) = 0.744396660073571
        expectClose(result.perPairLoss[0], 0.5981388693815918)
        expectClose(result.perPairLoss[1], 0.744396660073571)
        expectClose(result.loss, 0.6712677647275813)
        // rewards: pair 1 chosen 0.1, rejected -0.1; pair 2 chosen 0, rejected 0.1
        expectClose(result.rewardsChosen, 0.05)
        expectClose(result.rewardsRejected, 0.0)
        expectClose(result.rewardsMargins, 0.05)
        #expect(result.rewardsAccuracies == 0.5)
        expectClose(result.logpsChosen, -7.5)
        expectClose(result.logpsRejected, -8)
        // dL/dpc_i = -beta * sigmoid(-beta D_i) / N: 0.1 * sigmoid(-0.2) = 0.04501660026875222,
        // 0.1 * sigmoid(0.1) = 0.052497918747894
        expectClose(result.gradientPolicyChosen[0], -0.04501660026875222 / 2)
        expectClose(result.gradientPolicyChosen[1], -0.052497918747894 / 2)
        expectClose(result.gradientPolicyRejected[0], 0.04501660026875222 / 2)
        expectClose(result.gradientPolicyRejected[1], 0.052497918747894 / 2)
    }

    @Test func hingeMatchesHandComputedValues() throws {
        // beta 0.6: pair 1 has 1 - 1.2 < 0 (no loss, no gradient), pair 2 has 1 + 0.6 = 1.6.
        let result = try DPOLoss.compute(twoPairs, beta: 0.6, type: .hinge)
        #expect(result.perPairLoss == [0, 1.6])
        expectClose(result.loss, 0.8)
        #expect(result.gradientPolicyChosen == [0, -0.3])
        #expect(result.gradientPolicyRejected == [0, 0.3])
        expectClose(result.rewardsMargins, (0.6 * 2 + 0.6 * -1) / 2)
    }

    @Test func ipoAveragesOverTokensMatchesHandComputedValues() throws {
        // Pair 1 averaged: pc -2, rc -2.2, pr -3, rr -2.75 -> D = 0.2 + 0.25 = 0.45.
        // Pair 2 averaged: pc -2.5, rc -2.5, pr -2, rr -2.5 -> D = -0.5.
        // 1/(2 beta) = 5: losses (0.45 - 5)^2 = 20.7025 and (-5.5)^2 = 30.25.
        let result = try DPOLoss.compute(twoPairs, beta: 0.1, type: .ipo)
        expectClose(result.perPairLoss[0], 20.7025)
        expectClose(result.perPairLoss[1], 30.25)
        expectClose(result.loss, 25.47625)
        // dL/dD = 2 (D - 5): -9.1 and -11; / count / N.
        expectClose(result.gradientPolicyChosen[0], -9.1 / 5 / 2)
        expectClose(result.gradientPolicyRejected[0], 9.1 / 4 / 2)
        expectClose(result.gradientPolicyChosen[1], -11 / 2 / 2)
        expectClose(result.gradientPolicyRejected[1], 11 / 2 / 2)
        // Rewards on the summed log-probs, as TRL 1.16 logs them for IPO too: 0.1 / -0.1 and 0 / 0.1.
        expectClose(result.rewardsChosen, 0.05)
        expectClose(result.rewardsRejected, 0.0)
        #expect(result.rewardsAccuracies == 0.5)
        expectClose(result.logpsChosen, -7.5)
        expectClose(result.logpsRejected, -8)
    }

    @Test func policyEqualToReferenceGivesLn2AndZeroRewards() throws {
        let logps = [-31.5, -7.25, -120.0]
        let batch = DPOBatch(
            policyChosen: logps, policyRejected: logps.map { $0 - 3 },
            referenceChosen: logps, referenceRejected: logps.map { $0 - 3 },
            chosenTokenCounts: [10, 3, 40], rejectedTokenCounts: [11, 4, 41])
        let result = try DPOLoss.compute(batch, beta: 0.1, type: .sigmoid)
        #expect(abs(result.loss - log(2.0)) < 1e-15)
        #expect(result.rewardsChosen == 0)
        #expect(result.rewardsRejected == 0)
        #expect(result.rewardsMargins == 0)
        #expect(result.rewardsAccuracies == 0)
        // The first step still pushes: -beta/2 per pair, divided by N = 3.
        for gradient in result.gradientPolicyChosen { expectClose(gradient, -0.05 / 3) }
    }

    @Test(arguments: DPOLossType.allCases)
    func gradientMatchesFiniteDifferences(type: DPOLossType) throws {
        let batch = threePairs
        let result = try DPOLoss.compute(batch, beta: 0.3, type: type)
        let epsilon = 1e-6
        for i in 0..<batch.count {
            for side in ["chosen", "rejected"] {
                var plus = batch, minus = batch
                if side == "chosen" {
                    plus.policyChosen[i] += epsilon; minus.policyChosen[i] -= epsilon
                } else {
                    plus.policyRejected[i] += epsilon; minus.policyRejected[i] -= epsilon
                }
                let numeric = (try DPOLoss.compute(plus, beta: 0.3, type: type).loss
                    - DPOLoss.compute(minus, beta: 0.3, type: type).loss) / (2 * epsilon)
                let analytic = side == "chosen"
                    ? result.gradientPolicyChosen[i] : result.gradientPolicyRejected[i]
                #expect(abs(numeric - analytic) < 1e-6, "\(type) \(side)[\(i)]: \(numeric) vs \(analytic)")
            }
        }
    }

    @Test func sftTermAddsTheChosenTokensMeanNLLMatchingHandComputedValues() throws {
        // The chosen rationales hold 5 + 2 tokens with summed log-probs -10 and -5: the SFT
        // term is 15 / 7 nats per token whatever the pairing, and each d/dpc_i gains -w / 7.
        let plain = try DPOLoss.compute(twoPairs, beta: 0.1, type: .sigmoid)
        let result = try DPOLoss.compute(twoPairs, beta: 0.1, type: .sigmoid, sftWeight: 0.5)
        expectClose(try #require(result.sftLoss), 15.0 / 7)
        expectClose(result.loss, 0.6712677647275813 + 0.5 * 15.0 / 7)
        #expect(result.perPairLoss == plain.perPairLoss)
        expectClose(result.gradientPolicyChosen[0], -0.04501660026875222 / 2 - 0.5 / 7)
        expectClose(result.gradientPolicyChosen[1], -0.052497918747894 / 2 - 0.5 / 7)
        #expect(result.gradientPolicyRejected == plain.gradientPolicyRejected)
        #expect(result.rewardsMargins == plain.rewardsMargins)
        #expect(plain.sftLoss == nil)
    }

    @Test(arguments: DPOLossType.allCases)
    func gradientWithTheSFTTermMatchesFiniteDifferences(type: DPOLossType) throws {
        let batch = threePairs
        let loss = { (b: DPOBatch) throws -> Double in try DPOLoss.compute(b, beta: 0.3, type: type, sftWeight: 0.7).loss }
        let result = try DPOLoss.compute(batch, beta: 0.3, type: type, sftWeight: 0.7)
        let epsilon = 1e-6
        for i in 0..<batch.count {
            var plus = batch, minus = batch
            plus.policyChosen[i] += epsilon
            minus.policyChosen[i] -= epsilon
            let numeric = try (loss(plus) - loss(minus)) / (2 * epsilon)
            #expect(abs(numeric - result.gradientPolicyChosen[i]) < 1e-6, "\(type) chosen[\(i)]")
        }
    }

    @Test func largeMarginsStayFinite() throws {
        let batch = DPOBatch(
            policyChosen: [0], policyRejected: [-1e5], referenceChosen: [-1e5], referenceRejected: [0],
            chosenTokenCounts: [1], rejectedTokenCounts: [1])
        let confident = try DPOLoss.compute(batch, beta: 0.1, type: .sigmoid)
        #expect(confident.loss == 0)
        // D = (-1e5 + 5e4) - (0 + 5e4) = -1e5: loss = softplus(1e4) = 1e4, no overflow.
        let wrong = DPOBatch(
            policyChosen: [-1e5], policyRejected: [0], referenceChosen: [-5e4], referenceRejected: [-5e4],
            chosenTokenCounts: [1], rejectedTokenCounts: [1])
        let result = try DPOLoss.compute(wrong, beta: 0.1, type: .sigmoid)
        expectClose(result.loss, 1e4)
        expectClose(result.gradientPolicyChosen[0], -0.1)
    }

    @Test func rejectsBadInput() {
        let good = twoPairs
        var short = good
        short.referenceRejected = [-1]
        #expect(throws: MethodError.invalidInput("referenceRejected has 1 entries, policyChosen has 2")) {
            try DPOLoss.compute(short, beta: 0.1, type: .sigmoid)
        }
        var nan = good
        nan.policyRejected[1] = .nan
        #expect(throws: MethodError.self) { try DPOLoss.compute(nan, beta: 0.1, type: .sigmoid) }
        #expect(throws: MethodError.self) { try DPOLoss.compute(good, beta: 0, type: .sigmoid) }
        var zeroTokens = good
        zeroTokens.chosenTokenCounts[0] = 0
        #expect(throws: MethodError.self) { try DPOLoss.compute(zeroTokens, beta: 0.1, type: .ipo) }
        #expect(throws: MethodError.self) { try DPOLoss.compute(zeroTokens, beta: 0.1, type: .sigmoid, sftWeight: 1) }
        // Token counts only matter to IPO and the SFT term.
        #expect(throws: Never.self) { try DPOLoss.compute(zeroTokens, beta: 0.1, type: .sigmoid) }
        #expect(throws: MethodError.invalidInput("sft_weight must be a number >= 0, got -1.0")) {
            try DPOLoss.compute(good, beta: 0.1, type: .sigmoid, sftWeight: -1)
        }
    }
}

func expectClose(
    _ actual: Double, _ expected: Double, tolerance: Double = 1e-12,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(abs(actual - expected) <= tolerance * max(1, abs(expected)),
            "\(actual) is not \(expected)", sourceLocation: sourceLocation)
}
