import ArgumentParser
import Foundation
import LLM
import TensorCore

/// `collate-bench model`: a randomly initialised model with SmolLM2-135M's shapes, ours and
/// PyTorch's (bench/torch_model.py, same config, same workloads) timed interleaved in one run.
/// Threads: COLLATE_THREADS for ours (default: all cores), argv for torch's set_num_threads.
struct ModelBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "model",
        abstract: "Prefill, greedy decode (F32, F16, BF16 weights) and a LoRA training step of a SmolLM2-135M-shaped model, beside PyTorch."
    )

    @Flag(help: "One JSON object per line instead of a table.")
    var json = false

    @Option(help: "Timed repetitions per side and workload (median reported); at least 5.")
    var reps = 5

    @Option(help: "Only these workloads (prefill, decode, decode16, train, decodeq); repeatable.")
    var only: [String] = []

    @Option(help: "decodeq: a real GGUF file to decode with its quantized matrices as stored, beside llama.cpp's llama-bench (COLLATE_LLAMA_CPP_BIN); repeatable.")
    var gguf: [String] = []

    @Flag(help: "Ours alone, without starting PyTorch (for profiling).")
    var noReference = false

    static let workloads = ["prefill", "decode", "decode16", "train", "decodeq"]

    /// SmolLM2-135M: hidden 576, intermediate 1536, 30 layers, 9 heads, 3 KV heads, tied.
    static let config = ModelConfig(
        modelType: .llama, vocabSize: 49152, hiddenSize: 576, intermediateSize: 1536,
        numHiddenLayers: 30, numAttentionHeads: 9, numKeyValueHeads: 3, rmsNormEps: 1e-5,
        ropeTheta: 100000, tieWordEmbeddings: true, maxPositionEmbeddings: 2048)

    func validate() throws {
        guard reps >= 5 else { throw ValidationError("--reps must be at least 5") }
        for name in only where !Self.workloads.contains(name) {
            throw ValidationError("unknown workload \(name); known: \(Self.workloads.joined(separator: ", "))")
        }
    }

    func run() throws {
        let threads = Parallelism.defaultThreads
        // decodeq's reference is llama.cpp: PyTorch is not started for it alone.
        let bench = ReferenceComparison(json: json, reps: reps, disabled: noReference || only == ["decodeq"], threads: threads)
        var model = LlamaModel(randomConfig: Self.config, seed: 1)
        var rng = SeededRandom(seed: 2)
        let vocab = Self.config.vocabSize
        let prefillIDs = (0..<256).map { _ in Int(rng.next() % UInt64(vocab)) }
        let promptIDs = (0..<8).map { _ in Int(rng.next() % UInt64(vocab)) }
        let trainIDs = (0..<(4 * 256)).map { _ in Int(rng.next() % UInt64(vocab)) }
        bench.note("model: SmolLM2-135M shapes, random init, \(model.parameterCount) parameters, "
                   + "ours on \(threads) thread(s) (COLLATE_THREADS)")
        bench.header()
        let selected = only.isEmpty ? Self.workloads : Self.workloads.filter(only.contains)
        /// 8 prompt tokens, then 64 greedy tokens.
        func decode(_ decoder: LlamaModel) {
            let result = decoder.generate(prompt: promptIDs, options: GenerationOptions(maxTokens: 64, stopTokenIDs: []))
            precondition(result.tokens.count == 64, "decode produced \(result.tokens.count) tokens")
        }
        for name in selected {
            switch name {
            case "prefill":
                try bench.compare("prefill_1x256", unit: "tok/s", work: 256, request: "prefill") {
                    var cache = KVCache(config: Self.config, batch: 1, capacity: 256)
                    _ = model.logits(ids: prefillIDs, cache: &cache)
                }
            case "decode":
                // F32 weights on both sides.
                try bench.compare("decode_64_greedy_f32", unit: "tok/s", work: 64, request: "decode") { decode(model) }
            case "decodeq":
                try QuantizedDecodeBenchmark(bench: bench, reps: reps, threads: threads).run(files: gguf)
            case "decode16":
                // The same weights rounded to F16 / BF16 and kept 16-bit in memory (ours: the
                // kernels widen them in registers; torch: model.to(dtype), its CPU kernels).
                for precision in [WeightPrecision.float16, .bfloat16] {
                    let narrow = model.withWeightPrecision(precision)
                    let tag = precision.rawValue
                    bench.report(name: "decode_weights_\(tag)", unit: "MB", ours: Summary([Self.weightMegabytes(narrow)]),
                                 reference: nil, lowerIsBetter: true)
                    try bench.compare("decode_64_greedy_\(tag)", unit: "tok/s", work: 64, request: "decode_\(tag)") {
                        decode(narrow)
                    }
                }
            default:
                model.setBaseTrainable(false)
                model.adapters["bench"] = LoRAAdapter(
                    for: model, configuration: LoRAConfiguration(rank: 8, alpha: 16, targets: [.q, .v]), seed: 3)
                let optimizer = AdamW(parameters: model.adapters["bench"]!.parameters)
                let batch = TokenBatch(rows: (0..<4).map { Array(trainIDs[($0 * 256)..<(($0 + 1) * 256)]) })
                // Next-token targets; the last position of each row has none (masked), as
                // transformers' shifted labels.
                var targets = [Int](repeating: 0, count: trainIDs.count), mask = [Bool](repeating: true, count: trainIDs.count)
                for row in 0..<4 {
                    for t in 0..<256 {
                        if t == 255 { mask[row * 256 + t] = false } else { targets[row * 256 + t] = trainIDs[row * 256 + t + 1] }
                    }
                }
                try bench.compare("train_lora_r8_4x256_step", unit: "s/step", work: 1, request: "train", lowerIsBetter: true) {
                    let logits = model.trainingLogits(batch, adapter: "bench").reshaped([4 * 256, vocab])
                    let loss = crossEntropy(logits: logits, targets: targets, mask: mask)
                    loss.backward()
                    optimizer.step(learningRate: 1e-4)
                    optimizer.zeroGrad()
                }
            }
        }
        bench.report(name: "decode_weights_f32", unit: "MB", ours: Summary([Self.weightMegabytes(model)]),
                     reference: nil, lowerIsBetter: true)
        bench.reportPeakMemory()
    }

    /// Bytes of the model's weights as held in memory, in MB.
    static func weightMegabytes(_ model: LlamaModel) -> Double {
        let bytes = model.namedParameters.reduce(0) { total, entry in
            total + entry.variable.value.storageEncoding.byteCount(elements: entry.variable.value.count)
        }
        return Double(bytes) / 1_048_576
    }
}
