import Foundation

/// The DPO loss variants of COLLATE.md section 3, step 5, as TRL computes them.
public enum DPOLossType: String, Sendable, CaseIterable, Codable {
    /// -log sigmoid(beta * D), D from summed log-probs.
    case sigmoid
    /// (D - 1/(2 beta))^2, D from log-probs averaged over tokens.
    case ipo
    /// max(0, 1 - beta * D), D from summed log-probs.
    case hinge
}

/// Log-probs of a batch of preference pairs, one entry per pair. Each log-prob is the SUM over
/// the completion's tokens and its EOS (FORMATS.md token boundaries); the token counts are the
/// number of terms in that sum (IPO divides by them, as TRL's average log-probs do).
public struct DPOBatch: Sendable, Equatable {
    public var policyChosen: [Double]
    public var policyRejected: [Double]
    public var referenceChosen: [Double]
    public var referenceRejected: [Double]
    public var chosenTokenCounts: [Int]
    public var rejectedTokenCounts: [Int]

    public init(
        policyChosen: [Double], policyRejected: [Double],
        referenceChosen: [Double], referenceRejected: [Double],
        chosenTokenCounts: [Int], rejectedTokenCounts: [Int]
    ) {
        self.policyChosen = policyChosen
        self.policyRejected = policyRejected
        self.referenceChosen = referenceChosen
        self.referenceRejected = referenceRejected
        self.chosenTokenCounts = chosenTokenCounts
        self.rejectedTokenCounts = rejectedTokenCounts
    }

    public var count: Int { policyChosen.count }
}

/// The loss of a batch with TRL's metrics and the gradient the trainer back-propagates.
public struct DPOLossResult: Sendable, Equatable {
    /// Mean of the per-pair losses, plus sftWeight * sftLoss when the SFT term is on.
    public let loss: Double
    /// The SFT term before its weight: the mean negative log-likelihood per chosen token,
    /// over every chosen token of the batch (TRL's "sft" loss type). nil when the weight is 0.
    public let sftLoss: Double?
    public let perPairLoss: [Double]
    /// TRL `rewards/chosen`: mean of beta * (logpi - logref) of the chosen completions.
    public let rewardsChosen: Double
    /// TRL `rewards/rejected`.
    public let rewardsRejected: Double
    /// TRL `rewards/margins`: mean of (chosen reward - rejected reward).
    public let rewardsMargins: Double
    /// TRL `rewards/accuracies`: fraction of pairs whose chosen reward is strictly greater.
    public let rewardsAccuracies: Double
    /// TRL `logps/chosen` and `logps/rejected`: mean summed policy log-probs.
    public let logpsChosen: Double
    public let logpsRejected: Double
    /// d loss / d policyChosen[i] and d loss / d policyRejected[i], with loss the batch MEAN and
    /// the inputs the SUMMED log-probs, whatever the loss type averages internally.
    public let gradientPolicyChosen: [Double]
    public let gradientPolicyRejected: [Double]
}

/// DPO as a pure function of four log-prob arrays and beta (STYLE.md: not inline in a trainer).
///
/// With D_i = (pc_i - rc_i) - (pr_i - rr_i):
///   sigmoid  L_i = -log sigmoid(beta D_i)      dL_i/dD_i = -beta * sigmoid(-beta D_i)
///   hinge    L_i = max(0, 1 - beta D_i)        dL_i/dD_i = -beta if beta D_i < 1, else 0 (TRL's relu)
///   ipo      D_i uses pc_i/nc_i etc. (averages)
///            L_i = (D_i - 1/(2 beta))^2         dL_i/dD_i = 2 (D_i - 1/(2 beta))
/// then dD_i/dpc_i = 1 (1/nc_i for IPO), dD_i/dpr_i = -1 (-1/nr_i for IPO), and the batch mean
/// divides everything by N. Rewards are beta * (policy - reference) on the summed log-probs for
/// every loss type, and logps/* the summed log-probs, as TRL 1.16 logs them (FORMATS.md).
///
/// With sftWeight w > 0 the loss gains w * (-sum_i pc_i / sum_i nc_i): the chosen rationales'
/// negative log-likelihood averaged over all their tokens in the batch (RPO; TRL 1.16's loss_type
/// [type, "sft"] with loss_weights [1, w]), so d/dpc_i gains -w / sum_i nc_i. DPO alone can
/// lower the chosen rationale's likelihood along with the rejected one's; the SFT term holds
/// it up.
public enum DPOLoss {
    public static func compute(
        _ batch: DPOBatch, beta: Double, type: DPOLossType, sftWeight: Double = 0
    ) throws(MethodError) -> DPOLossResult {
        try validate(batch, beta: beta, averaged: type == .ipo || sftWeight > 0)
        guard sftWeight.isFinite, sftWeight >= 0 else {
            throw .invalidInput("sft_weight must be a number >= 0, got \(sftWeight)")
        }
        let n = batch.count
        let scale = 1.0 / Double(n)
        var losses = [Double](repeating: 0, count: n)
        var gradChosen = [Double](repeating: 0, count: n)
        var gradRejected = [Double](repeating: 0, count: n)
        var sumRewardChosen = 0.0, sumRewardRejected = 0.0, correct = 0
        var sumLogpChosen = 0.0, sumLogpRejected = 0.0

        for i in 0..<n {
            // For IPO the loss sees per-token averages; dAverage/dSum = 1/count.
            let chosenDivisor = type == .ipo ? Double(batch.chosenTokenCounts[i]) : 1
            let rejectedDivisor = type == .ipo ? Double(batch.rejectedTokenCounts[i]) : 1
            let pc = batch.policyChosen[i] / chosenDivisor
            let pr = batch.policyRejected[i] / rejectedDivisor
            let rc = batch.referenceChosen[i] / chosenDivisor
            let rr = batch.referenceRejected[i] / rejectedDivisor
            let d = (pc - rc) - (pr - rr)

            let dLossdD: Double
            switch type {
            case .sigmoid:
                losses[i] = softplus(-beta * d)
                dLossdD = -beta * sigmoid(-beta * d)
            case .hinge:
                let hinge = 1 - beta * d
                losses[i] = max(0, hinge)
                dLossdD = hinge > 0 ? -beta : 0
            case .ipo:
                let gap = d - 1 / (2 * beta)
                losses[i] = gap * gap
                dLossdD = 2 * gap
            }
            gradChosen[i] = scale * dLossdD / chosenDivisor
            gradRejected[i] = -scale * dLossdD / rejectedDivisor

            // Metrics on the summed log-probs whatever the loss averages (TRL 1.16 logs IPO's so too).
            let rewardChosen = beta * (batch.policyChosen[i] - batch.referenceChosen[i])
            let rewardRejected = beta * (batch.policyRejected[i] - batch.referenceRejected[i])
            sumRewardChosen += rewardChosen
            sumRewardRejected += rewardRejected
            if rewardChosen > rewardRejected { correct += 1 }
            sumLogpChosen += batch.policyChosen[i]
            sumLogpRejected += batch.policyRejected[i]
        }

        var sftLoss: Double?
        if sftWeight > 0 {
            let chosenTokens = Double(batch.chosenTokenCounts.reduce(0, +))
            sftLoss = -batch.policyChosen.reduce(0, +) / chosenTokens
            for i in 0..<n { gradChosen[i] -= sftWeight / chosenTokens }
        }
        let loss = losses.reduce(0, +) * scale + sftWeight * (sftLoss ?? 0)
        guard loss.isFinite else {
            throw .invalidInput("the DPO loss is \(loss) (beta \(beta), \(type.rawValue))")
        }
        return DPOLossResult(
            loss: loss,
            sftLoss: sftLoss,
            perPairLoss: losses,
            rewardsChosen: sumRewardChosen * scale,
            rewardsRejected: sumRewardRejected * scale,
            rewardsMargins: (sumRewardChosen - sumRewardRejected) * scale,
            rewardsAccuracies: Double(correct) * scale,
            logpsChosen: sumLogpChosen * scale,
            logpsRejected: sumLogpRejected * scale,
            gradientPolicyChosen: gradChosen,
            gradientPolicyRejected: gradRejected
        )
    }

    /// log(1 + e^x) without overflow for large x or loss of precision for very negative x.
    static func softplus(_ x: Double) -> Double {
        max(x, 0) + log1p(exp(-abs(x)))
    }

    static func sigmoid(_ x: Double) -> Double {
        x >= 0 ? 1 / (1 + exp(-x)) : exp(x) / (1 + exp(x))
    }

    /// `averaged`: the loss divides by token counts (IPO, the SFT term), so none may be 0.
    private static func validate(_ batch: DPOBatch, beta: Double, averaged: Bool) throws(MethodError) {
        guard beta.isFinite, beta > 0 else {
            throw .invalidInput("beta must be a positive number, got \(beta)")
        }
        let n = batch.count
        guard n > 0 else { throw .invalidInput("a DPO batch needs at least one pair") }
        let arrays: [(String, [Double])] = [
            ("policyChosen", batch.policyChosen), ("policyRejected", batch.policyRejected),
            ("referenceChosen", batch.referenceChosen), ("referenceRejected", batch.referenceRejected),
        ]
        for (name, values) in arrays {
            guard values.count == n else {
                throw .invalidInput("\(name) has \(values.count) entries, policyChosen has \(n)")
            }
            if let bad = values.firstIndex(where: { !$0.isFinite }) {
                throw .invalidInput("\(name)[\(bad)] is \(values[bad]): log-probs must be finite")
            }
        }
        guard batch.chosenTokenCounts.count == n, batch.rejectedTokenCounts.count == n else {
            throw .invalidInput(
                "token counts have \(batch.chosenTokenCounts.count) and \(batch.rejectedTokenCounts.count) entries, expected \(n)")
        }
        if averaged {
            if let bad = (batch.chosenTokenCounts + batch.rejectedTokenCounts).first(where: { $0 <= 0 }) {
                throw .invalidInput("IPO and the SFT term average over tokens: a token count of \(bad) is not allowed")
            }
        }
    }
}
