import Foundation

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
func tokenLogProbsWithLSE(logits: Tensor, targets: [Int], mask: [Bool]?)
    -> (logProbs: Tensor, logSumExp: [Float]) {
    precondition(logits.rank == 2, "tokenLogProbs: logits must be [N, V], got \(logits.shape)")
    let (n, vocab) = (logits.shape[0], logits.shape[1])
    precondition(targets.count == n, "tokenLogProbs: \(targets.count) targets for \(n) rows")
    precondition(mask == nil || mask!.count == n, "tokenLogProbs: mask has \(mask!.count) entries for \(n) rows")
    var lse = [Float](repeating: 0, count: n)
    let logProbs = logits.withUnsafeBufferPointer { src in
        Tensor(shape: [n]) { out in
            for row in 0..<n {
                if let mask, !mask[row] { out[row] = 0; continue }
                let target = targets[row]
                precondition(target >= 0 && target < vocab, "tokenLogProbs: target \(target) outside vocabulary \(vocab) at row \(row)")
                let x = src.baseAddress! + row * vocab
                let (m, logTotal) = Tensor.maxAndLogSumExp(x, vocab)
                lse[row] = m + logTotal
                out[row] = (x[target] - m) - logTotal
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
            for row in 0..<n {
                let y = out.baseAddress! + row * vocab
                let g = rowGradients[row]
                if let mask, !mask[row] {
                    y.initialize(repeating: 0, count: vocab)
                    continue
                }
                let x = src.baseAddress! + row * vocab, lse = logSumExp[row]
                for j in 0..<vocab { y[j] = -g * Foundation.exp(x[j] - lse) }
                y[targets[row]] += g
            }
        }
    }
}
