import Foundation
import Testing
@testable import TensorCore

/// End-to-end: a one-block Llama-style transformer (embedding, RMSNorm, RoPE, GQA causal
/// attention, SwiGLU MLP, untied head) learns "output the previous token" on random token
/// sequences, a task that needs attention and positions, trained with AdamW, clipping and a
/// cosine schedule.
@Suite struct LearningTests {
    struct TinyTransformer {
        static let (vocab, dim, heads, kvHeads, headDim, hidden) = (8, 16, 2, 1, 8, 32)
        let embed, norm1, wq, wk, wv, wo, norm2, gate, up, down, normFinal, head: Variable
        let ropeTable = RoPETable(inverseFrequencies: RoPETable.defaultInverseFrequencies(dimension: 8, theta: 100),
                             maxPositions: 16)

        init(rng: inout SeededRandom) {
            func linear(_ out: Int, _ inp: Int, _ name: String) -> Variable {
                Variable(Tensor.linearInit(outFeatures: out, inFeatures: inp, using: &rng), requiresGrad: true, name: name)
            }
            let s = TinyTransformer.self
            embed = Variable(Tensor.normal([s.vocab, s.dim], std: 1, using: &rng), requiresGrad: true, name: "embed")
            norm1 = Variable(Tensor.ones([s.dim]), requiresGrad: true, name: "norm1")
            norm2 = Variable(Tensor.ones([s.dim]), requiresGrad: true, name: "norm2")
            normFinal = Variable(Tensor.ones([s.dim]), requiresGrad: true, name: "normFinal")
            wq = linear(s.heads * s.headDim, s.dim, "wq")
            wk = linear(s.kvHeads * s.headDim, s.dim, "wk")
            wv = linear(s.kvHeads * s.headDim, s.dim, "wv")
            wo = linear(s.dim, s.heads * s.headDim, "wo")
            gate = linear(s.hidden, s.dim, "gate")
            up = linear(s.hidden, s.dim, "up")
            down = linear(s.dim, s.hidden, "down")
            head = linear(s.vocab, s.dim, "head")
        }

        var parameters: [Variable] { [embed, norm1, wq, wk, wv, wo, norm2, gate, up, down, normFinal, head] }

        /// ids: B*T tokens -> logits [B*T, V].
        func callAsFunction(_ ids: [Int], batch: Int, length: Int) -> Variable {
            let s = TinyTransformer.self
            func heads(_ x: Variable, _ n: Int) -> Variable {     // [B, T, n*Dh] -> [B, n, T, Dh]
                x.reshaped([batch, length, n, s.headDim]).transposed(1, 2)
            }
            var x = embedding(embed, ids: ids, idsShape: [batch, length])              // [B, T, D]
            let h = rmsNorm(x, weight: norm1, eps: 1e-5)
            let q = rope(heads(matmul(h, wq, transposeB: true), s.heads), table: ropeTable)
            let k = rope(heads(matmul(h, wk, transposeB: true), s.kvHeads), table: ropeTable)
            let v = heads(matmul(h, wv, transposeB: true), s.kvHeads)
            let attention = scaledDotProductAttention(q: q, k: k, v: v)               // [B, H, T, Dh]
                .transposed(1, 2).reshaped([batch, length, s.heads * s.headDim])
            x = x + matmul(attention, wo, transposeB: true)
            let h2 = rmsNorm(x, weight: norm2, eps: 1e-5)
            let mlp = swiglu(gate: matmul(h2, gate, transposeB: true), up: matmul(h2, up, transposeB: true))
            x = x + matmul(mlp, down, transposeB: true)
            return matmul(rmsNorm(x, weight: normFinal, eps: 1e-5), head, transposeB: true)
                .reshaped([batch * length, s.vocab])
        }
    }

    @Test func oneBlockTransformerLearnsToCopyThePreviousToken() {
        var rng = SeededRandom(seed: 2024)
        let model = TinyTransformer(rng: &rng)
        let optimizer = AdamW(parameters: model.parameters, configuration: .init(weightDecay: 0.01))
        let steps = 150
        let schedule = CosineSchedule(peak: 2e-2, warmupSteps: 10, totalSteps: steps)
        let (batch, length) = (8, 8)
        var losses: [Float] = []
        for step in 0..<steps {
            let ids = (0..<(batch * length)).map { _ in rng.integer(below: TinyTransformer.vocab) }
            // Target at t is the token at t - 1; position 0 has none and is masked.
            let targets = ids.indices.map { $0 % length == 0 ? -100 : ids[$0 - 1] }
            let mask = ids.indices.map { $0 % length != 0 }
            optimizer.zeroGrad()
            let loss = crossEntropy(logits: model(ids, batch: batch, length: length), targets: targets, mask: mask)
            loss.backward()
            clipGradientNorm(model.parameters, maxNorm: 1)
            optimizer.step(learningRate: schedule.learningRate(at: step))
            losses.append(loss.value.item)
        }
        // Chance is ln 8 = 2.08; this seed reaches about 0.004.
        #expect(losses[0] > 1.8)
        let finalLoss = losses.suffix(10).reduce(0, +) / 10
        #expect(finalLoss < 0.05, "mean loss of the last 10 steps: \(finalLoss)")
    }
}
