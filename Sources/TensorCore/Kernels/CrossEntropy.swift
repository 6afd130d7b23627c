/// Cross-entropy and per-token log-probabilities over logits [N, V] with integer targets.
///
///     logp[n] = logits[n, t_n] - logsumexp(logits[n, :])
///     crossEntropy = -sum_{n: mask[n]} logp[n] / count(mask)      (0 when nothing is kept)
///
/// Masked rows' targets are ignored (they may be any value, e.g. -100). The gradient of
/// logp[n] with respect to row n is onehot(t_n) - softmax(row n).

/// Per-token log-probabilities [N] of `targets` under `logits` [N, V] (DPO, scoring).
/// Rows where `mask` is false get 0 and their target is not read.
public func tokenLogProbs(logits: Tensor, targets: [Int], mask: [Bool]? = nil) -> Tensor {
    tokenLogProbsWithLSE(logits: logits, targets: targets, mask: mask).logProbs
}

/// Mean negative log-likelihood over the unmasked rows, as a rank-0 tensor.
public func crossEntropy(logits: Tensor, targets: [Int], mask: [Bool]? = nil) -> Tensor {
    let (logProbs, _) = tokenLogProbsWithLSE(logits: logits, targets: targets, mask: mask)
    let kept = keptCount(mask, rows: targets.count)
    return Tensor(scalar: kept == 0 ? 0 : Float(-logProbs.doubleSum() / Double(kept)))
}

func keptCount(_ mask: [Bool]?, rows: Int) -> Int {
    mask.map { $0.reduce(0) { $0 + ($1 ? 1 : 0) } } ?? rows
}

/// log p of each target and the log-sum-exp of each row (kept for the backward pass).
/// Rows are independent and split over threads (a 49k vocabulary makes this a hot spot).
func tokenLogProbsWithLSE(logits: Tensor, targets: [Int], mask: [Bool]?)
    -> (logProbs: Tensor, logSumExp: [Float]) {
    precondition(logits.rank == 2, "tokenLogProbs: logits must be [N, V], got \(logits.shape)")
    let (n, vocab) = (logits.shape[0], logits.shape[1])
    precondition(targets.count == n, "tokenLogProbs: \(targets.count) targets for \(n) rows")
    precondition(mask == nil || mask!.count == n, "tokenLogProbs: mask has \(mask!.count) entries for \(n) rows")
    for row in 0..<n where mask?[row] ?? true {
        precondition(targets[row] >= 0 && targets[row] < vocab,
                     "tokenLogProbs: target \(targets[row]) outside vocabulary \(vocab) at row \(row)")
    }
    var lse = [Float](repeating: 0, count: n)
    let logProbs = logits.withUnsafeBufferPointer { src in
        lse.withUnsafeMutableBufferPointer { lseBuffer in
            Tensor(shape: [n]) { out in
                let X = SendablePointer(src.baseAddress!), O = SendablePointer(out.baseAddress!)
                let L = SendablePointer(lseBuffer.baseAddress!)
                parallelFor(n) { row in
                    if let mask, !mask[row] { O.pointer[row] = 0; return }
                    let x = X.pointer + row * vocab
                    let (m, logTotal) = Tensor.maxAndLogSumExp(x, vocab)
                    L.pointer[row] = m + logTotal
                    O.pointer[row] = (x[targets[row]] - m) - logTotal
                }
            }
        }
    }
    return (logProbs, lse)
}

/// d logits given d logp[n] = `rowGradients[n]`: row n gets g_n * (onehot(t_n) - softmax).
func tokenLogProbsBackward(logits: Tensor, targets: [Int], mask: [Bool]?, logSumExp: [Float],
                           rowGradients: [Float]) -> Tensor {
    let (n, vocab) = (logits.shape[0], logits.shape[1])
    return logits.withUnsafeBufferPointer { src in
        Tensor(shape: logits.shape) { out in
            let X = SendablePointer(src.baseAddress!), Y = SendablePointer(out.baseAddress!)
            parallelFor(n) { row in
                let y = Y.pointer + row * vocab
                if let mask, !mask[row] {
                    y.initialize(repeating: 0, count: vocab)
                    return
                }
                let g = rowGradients[row]
                _ = VectorMath.expShifted(X.pointer + row * vocab, y, vocab, shift: logSumExp[row])
                for j in 0..<vocab { y[j] *= -g }
                y[targets[row]] += g
            }
        }
    }
}
