/// Matrix products on `Tensor`, all through `gemm` (never materialising a transpose).
///
///     matmul(a, b, transposeA: tA, transposeB: tB) = op(a) @ op(b)
///
/// `op(x)` swaps the last two axes of `x` when its flag is set. Shapes:
/// - both 2-D: `[M, K] @ [K, N] -> [M, N]`;
/// - both batched with equal leading axes: `[..., M, K] @ [..., K, N] -> [..., M, N]`;
/// - one operand 2-D (shared by every batch), e.g. activations `[B, T, D] @ W^T` with
///   `W: [N, D]` -> `[B, T, N]` (computed as one tall GEMM when possible).
/// `matmulGradients` gives both operands' gradients with the same kernel.
public func matmul(_ a: Tensor, _ b: Tensor,
                   transposeA: Bool = false, transposeB: Bool = false) -> Tensor {
    let plan = MatMulPlan(a.shape, b.shape, transposeA: transposeA, transposeB: transposeB)
    return batchedGemm(batch: plan.batch, transA: transposeA, transB: transposeB,
                       m: plan.m, n: plan.n, k: plan.k,
                       a: a, aBatchStride: plan.aBatched ? plan.m * plan.k : 0,
                       b: b, bBatchStride: plan.bBatched ? plan.k * plan.n : 0,
                       outShape: plan.outShape, outBatchStride: plan.m * plan.n)
}

/// Gradients of `op(a) @ op(b)` given the output gradient `g` (shape of the product).
/// Operands shared across the batch get the sum over the batch.
public func matmulGradients(_ a: Tensor, _ b: Tensor, outputGradient g: Tensor,
                            transposeA: Bool, transposeB: Bool,
                            needA: Bool = true, needB: Bool = true) -> (a: Tensor?, b: Tensor?) {
    let p = MatMulPlan(a.shape, b.shape, transposeA: transposeA, transposeB: transposeB)
    let (m, n, k) = (p.m, p.n, p.k)
    let aStride = p.aBatched ? m * k : 0, bStride = p.bBatched ? k * n : 0, gStride = m * n
    var gradA: Tensor? = nil, gradB: Tensor? = nil
    if needA {
        if !transposeA {
            // dA[M, K] = dC[M, N] @ op(B)^T
            gradA = batchedGemm(batch: p.batch, transA: false, transB: !transposeB, m: m, n: k, k: n,
                                a: g, aBatchStride: gStride, b: b, bBatchStride: bStride,
                                outShape: a.shape, outBatchStride: aStride)
        } else {
            // A is stored [K, M]: dA = op(B) @ dC^T
            gradA = batchedGemm(batch: p.batch, transA: transposeB, transB: true, m: k, n: m, k: n,
                                a: b, aBatchStride: bStride, b: g, bBatchStride: gStride,
                                outShape: a.shape, outBatchStride: aStride)
        }
    }
    if needB {
        if !transposeB {
            // dB[K, N] = op(A)^T @ dC
            gradB = batchedGemm(batch: p.batch, transA: !transposeA, transB: false, m: k, n: n, k: m,
                                a: a, aBatchStride: aStride, b: g, bBatchStride: gStride,
                                outShape: b.shape, outBatchStride: bStride)
        } else {
            // B is stored [N, K]: dB = dC^T @ op(A)
            gradB = batchedGemm(batch: p.batch, transA: true, transB: transposeA, m: n, n: k, k: m,
                                a: g, aBatchStride: gStride, b: a, bBatchStride: aStride,
                                outShape: b.shape, outBatchStride: bStride)
        }
    }
    return (gradA, gradB)
}

/// Shapes of one `matmul` call, validated.
struct MatMulPlan {
    var m = 0, n = 0, k = 0, batch = 1
    var aBatched = false, bBatched = false
    var outShape: [Int] = []

    init(_ a: [Int], _ b: [Int], transposeA: Bool, transposeB: Bool) {
        precondition(a.count >= 2 && b.count >= 2, "matmul: operands must be at least 2-D, got \(a) and \(b)")
        let (ar, ac) = (a[a.count - 2], a[a.count - 1]), (br, bc) = (b[b.count - 2], b[b.count - 1])
        m = transposeA ? ac : ar
        k = transposeA ? ar : ac
        let kb = transposeB ? bc : br
        n = transposeB ? br : bc
        precondition(k == kb, "matmul: inner dimensions differ: \(a)\(transposeA ? "^T" : "") @ \(b)\(transposeB ? "^T" : "")")
        let batchA = Array(a.dropLast(2)), batchB = Array(b.dropLast(2))
        aBatched = !batchA.isEmpty
        bBatched = !batchB.isEmpty
        precondition(!aBatched || !bBatched || batchA == batchB,
                     "matmul: batch axes differ: \(a) and \(b)")
        let batchShape = aBatched ? batchA : batchB
        batch = Tensor.elementCount(batchShape)
        outShape = batchShape + [m, n]
    }
}

/// `batch` GEMMs `C_p (+)= op(A_p) @ op(B_p)`, where a batch stride of 0 means that operand
/// is shared; an output batch stride of 0 sums every product into one `[m, n]` result.
/// Contiguous runs are merged into one tall GEMM so small batches of weight products cost
/// one call. B may be stored as F16/BF16 (weights): the GEMM reads it directly.
func batchedGemm(batch: Int, transA: Bool, transB: Bool, m: Int, n: Int, k: Int,
                 a: Tensor, aBatchStride: Int, b: Tensor, bBatchStride: Int,
                 outShape: [Int], outBatchStride: Int) -> Tensor {
    let lda = transA ? m : k, ldb = transB ? k : n
    return a.withUnsafeBufferPointer { pa in
        b.withUnsafeStoredElements { pb in
            Tensor(shape: outShape) { out in
                let A = pa.baseAddress!, B = GemmMatrix(base: pb, encoding: b.storageEncoding)
                let C = out.baseAddress!
                if batch == 0 || m == 0 || n == 0 { return }
                if k == 0 { C.initialize(repeating: 0, count: out.count); return }
                // Shared B, batched A and C, A not transposed: rows of all batches stack.
                if bBatchStride == 0 && !transA && aBatchStride == m * k && outBatchStride == m * n {
                    gemm(transA: false, transB: transB, m: batch * m, n: n, k: k, a: A, lda: lda,
                         b: B, ldb: ldb, c: C, ldc: n, accumulate: false)
                    return
                }
                // Summed output, A transposed and B plain, both batched: the batch joins k.
                if outBatchStride == 0 && transA && !transB && aBatchStride == m * k
                    && bBatchStride == k * n && batch > 1 {
                    gemm(transA: true, transB: false, m: m, n: n, k: batch * k, a: A, lda: lda,
                         b: B, ldb: ldb, c: C, ldc: n, accumulate: false)
                    return
                }
                for p in 0..<batch {
                    gemm(transA: transA, transB: transB, m: m, n: n, k: k,
                         a: A + p * aBatchStride, lda: lda, b: B.advanced(by: p * bBatchStride), ldb: ldb,
                         c: C + p * outBatchStride, ldc: n, accumulate: outBatchStride == 0 && p > 0)
                }
            }
        }
    }
}
