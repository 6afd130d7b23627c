/// Losses on logits [N, V] with integer targets (see Kernels/CrossEntropy.swift).

/// Mean negative log-likelihood over rows where `mask` is true (rank 0).
public func crossEntropy(logits: Variable, targets: [Int], mask: [Bool]? = nil) -> Variable {
    let x = logits.value
    let (logProbs, lse) = tokenLogProbsWithLSE(logits: x, targets: targets, mask: mask)
    let kept = keptCount(mask, rows: targets.count)
    let loss = Tensor(scalar: kept == 0 ? 0 : Float(-logProbs.doubleSum() / Double(kept)))
    return Variable.record(loss, inputs: [logits]) { g, _ in
        let perRow = kept == 0 ? 0 : -g.item / Float(kept)
        let rows = [Float](repeating: perRow, count: targets.count)
        return [tokenLogProbsBackward(logits: x, targets: targets, mask: mask, logSumExp: lse,
                                      rowGradients: rows)]
    }
}

/// log p(target) per row [N] (0 on masked rows), differentiable: the DPO / scoring primitive.
public func tokenLogProbs(logits: Variable, targets: [Int], mask: [Bool]? = nil) -> Variable {
    let x = logits.value
    let (logProbs, lse) = tokenLogProbsWithLSE(logits: x, targets: targets, mask: mask)
    return Variable.record(logProbs, inputs: [logits]) { g, _ in
        [tokenLogProbsBackward(logits: x, targets: targets, mask: mask, logSumExp: lse,
                               rowGradients: g.scalars)]
    }
}
