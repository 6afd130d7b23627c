import ArgumentParser
import Collate
import Foundation
import LLM
import TensorCore

/// `collate-bench dpo`: one DPO step as `collate train` takes it (DPOTrainer's step: policy
/// log-prob sums of chosen and rejected in one padded forward, `DPOLoss.compute` (sigmoid,
/// beta 0.1) against reference sums computed once beforehand, backward, gradient clipping
/// at 1, AdamW) on one pair of 2 x 256 tokens (64 prompt + 192 completion each), LoRA r=8 on
/// q and v of the SmolLM2-135M-shaped random model; PyTorch + PEFT does the same step in the
/// same run (bench/torch_model.py `dpo`), repetitions interleaved.
struct DPOBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dpo",
        abstract: "One DPO step (one pair, 2x256 tokens, LoRA r=8 on q,v) of a SmolLM2-135M-shaped model, beside PyTorch + PEFT."
    )

    @Flag(help: "One JSON object per line instead of a table.")
    var json = false

    @Option(help: "Timed repetitions per side (median reported); at least 5.")
    var reps = 5

    @Flag(help: "Ours alone, without starting PyTorch (for profiling).")
    var noReference = false

    static let promptTokens = 64, sequenceTokens = 256

    func validate() throws {
        guard reps >= 5 else { throw ValidationError("--reps must be at least 5") }
    }

    func run() throws {
        let threads = Parallelism.defaultThreads
        let bench = ReferenceComparison(json: json, reps: reps, disabled: noReference, threads: threads)
        var model = LlamaModel(randomConfig: ModelBenchmark.config, seed: 1)
        model.setBaseTrainable(false)
        model.adapters["policy"] = LoRAAdapter(
            for: model, configuration: LoRAConfiguration(rank: 8, alpha: 16, targets: [.q, .v]), seed: 3)
        var rng = SeededRandom(seed: 4)
        let vocab = ModelBenchmark.config.vocabSize
        let prompt = (0..<Self.promptTokens).map { _ in Int(rng.next() % UInt64(vocab)) }
        let completions = (0..<2).map { _ in
            (0..<(Self.sequenceTokens - Self.promptTokens)).map { _ in Int(rng.next() % UInt64(vocab)) }
        }
        let batch = TokenBatch(rows: completions.map { prompt + $0 })                 // [2, 256]
        let scoredFrom = [Self.promptTokens, Self.promptTokens]
        let counts = Self.sequenceTokens - Self.promptTokens
        // Reference log-probs, computed once (the trainer stores them before training).
        let reference = withNoGrad { model.sequenceLogProbSums(batch, scoredFrom: scoredFrom, adapter: "policy") }
            .value.scalars.map { Double($0) }
        let optimizer = AdamW(parameters: model.adapters["policy"]!.parameters)
        bench.note("dpo: SmolLM2-135M shapes, random init, one pair 2x\(Self.sequenceTokens) tokens "
                   + "(\(Self.promptTokens) prompt), LoRA r=8 alpha 16 on q,v, sigmoid beta 0.1; ours on \(threads) thread(s)")
        bench.header()
        try bench.compare("dpo_step_1pair_2x256", unit: "s/step", work: 1, request: "dpo", lowerIsBetter: true) {
            let sums = model.sequenceLogProbSums(batch, scoredFrom: scoredFrom, adapter: "policy")   // [2]
            let policy = sums.value.scalars.map { Double($0) }
            let result = try DPOLoss.compute(
                DPOBatch(policyChosen: [policy[0]], policyRejected: [policy[1]],
                         referenceChosen: [reference[0]], referenceRejected: [reference[1]],
                         chosenTokenCounts: [counts], rejectedTokenCounts: [counts]),
                beta: 0.1, type: .sigmoid)
            sums.backward(gradient: Tensor([Float(result.gradientPolicyChosen[0]), Float(result.gradientPolicyRejected[0])]))
            _ = clipGradientNorm(optimizer.parameters, maxNorm: 1)
            optimizer.step(learningRate: 1e-4)
            optimizer.zeroGrad()
        }
        bench.reportPeakMemory()
    }
}
