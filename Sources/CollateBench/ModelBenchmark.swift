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
        abstract: "Prefill, greedy decode and a LoRA training step of a SmolLM2-135M-shaped model, beside PyTorch."
    )

    @Flag(help: "One JSON object per line instead of a table.")
    var json = false

    @Option(help: "Timed repetitions per side and workload (median reported); at least 5.")
    var reps = 5

    @Option(help: "Only these workloads (prefill, decode, train); repeatable.")
    var only: [String] = []

    @Flag(help: "Ours alone, without starting PyTorch (for profiling).")
    var noReference = false

    static let workloads = ["prefill", "decode", "train"]

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
        let reference = noReference ? nil : startReference(threads: threads)
        var model = LlamaModel(randomConfig: Self.config, seed: 1)
        var rng = SeededRandom(seed: 2)
        let vocab = Self.config.vocabSize
        let prefillIDs = (0..<256).map { _ in Int(rng.next() % UInt64(vocab)) }
        let promptIDs = (0..<8).map { _ in Int(rng.next() % UInt64(vocab)) }
        let trainIDs = (0..<(4 * 256)).map { _ in Int(rng.next() % UInt64(vocab)) }
        note("model: SmolLM2-135M shapes, random init, \(model.parameterCount) parameters, "
             + "ours on \(threads) thread(s) (COLLATE_THREADS)")
        if !json {
            print(pad("workload", 26) + pad("ours", 26) + pad("torch", 26) + "ratio")
        }
        let selected = only.isEmpty ? Self.workloads : Self.workloads.filter(only.contains)
        for name in selected {
            switch name {
            case "prefill":
                try compare("prefill_1x256", unit: "tok/s", work: 256, reference: reference, request: "prefill") {
                    var cache = KVCache(config: Self.config, batch: 1, capacity: 256)
                    _ = model.logits(ids: prefillIDs, cache: &cache)
                }
            case "decode":
                // F32 weights on both sides; 8 prompt tokens, then 64 greedy tokens.
                try compare("decode_64_greedy_f32", unit: "tok/s", work: 64,
                            reference: reference, request: "decode") {
                    let result = model.generate(prompt: promptIDs,
                                                   options: GenerationOptions(maxTokens: 64, stopTokenIDs: []))
                    precondition(result.tokens.count == 64, "decode produced \(result.tokens.count) tokens")
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
                try compare("train_lora_r8_4x256_step", unit: "s/step", work: 1, reference: reference,
                            request: "train", lowerIsBetter: true) {
                    let logits = model.trainingLogits(batch, adapter: "bench").reshaped([4 * 256, vocab])
                    let loss = crossEntropy(logits: logits, targets: targets, mask: mask)
                    loss.backward()
                    optimizer.step(learningRate: 1e-4)
                    optimizer.zeroGrad()
                }
            }
        }
        let torchPeak = reference.flatMap { try? $0.ask("peak") }
        report(name: "peak_memory", unit: "MB", ours: peakResidentMB().map { Summary([$0]) },
               reference: torchPeak.map { Summary([$0]) }, lowerIsBetter: true)
    }

    private func startReference(threads: Int) -> ScriptReference? {
        let (python, reason) = ScriptReference.venvPython()
        guard let python else {
            note("PyTorch reference unavailable (\(reason)); printing our figures alone")
            return nil
        }
        do {
            let reference = try ScriptReference(python: python, script: checkoutPath("bench/torch_model.py"),
                                                arguments: [String(threads)],
                                                environment: ["OMP_NUM_THREADS": String(threads)])
            note("PyTorch reference: \(reference.banner)")
            return reference
        } catch {
            note("PyTorch reference unavailable (\(error)); printing our figures alone")
            return nil
        }
    }

    /// Warms both sides up once, then alternates ours and the reference `reps` times.
    private func compare(_ name: String, unit: String, work: Double, reference: ScriptReference?,
                         request: String, lowerIsBetter: Bool = false, _ body: () -> Void) throws {
        var reference = reference
        body()
        if let r = reference {
            do { _ = try r.ask(request) } catch {
                note("PyTorch reference failed on \(request): \(error)")
                reference = nil
            }
        }
        var ours: [Double] = [], theirs: [Double] = []
        for _ in 0..<reps {
            let start = now()
            body()
            ours.append(now() - start)
            if let r = reference { theirs.append(try r.ask(request)) }
        }
        let rate: (Double) -> Double = { lowerIsBetter ? $0 / work : work / $0 }
        report(name: name, unit: unit, ours: Summary(ours.map(rate)),
               reference: theirs.isEmpty ? nil : Summary(theirs.map(rate)), lowerIsBetter: lowerIsBetter)
    }

    /// ratio > 1 means ours is better (for seconds, reference / ours).
    private func report(name: String, unit: String, ours: Summary?, reference: Summary?, lowerIsBetter: Bool) {
        let ratio: Double? = {
            guard let ours, let reference, ours.median > 0, reference.median > 0 else { return nil }
            return lowerIsBetter ? reference.median / ours.median : ours.median / reference.median
        }()
        if json {
            let value: (Summary?) -> String = { $0.map { String(format: "%.3f", $0.median) } ?? "null" }
            print("{\"bench\": \"model\", \"metric\": \"\(name)\", \"threads\": \(Parallelism.defaultThreads), "
                  + "\"ours\": \(value(ours)), \"ref\": \(value(reference)), "
                  + "\"ratio\": \(ratio.map { String(format: "%.2f", $0) } ?? "null"), "
                  + "\"unit\": \"\(unit)\", \"ref_name\": \"pytorch\"}")
        } else {
            let describe: (Summary?) -> String = { s in
                guard let s else { return "n/a" }
                return s.min == s.max ? String(format: "%.1f", s.median)
                    : String(format: "%.2f (%.2f-%.2f)", s.median, s.min, s.max)
            }
            print(pad("\(name) [\(unit)]", 26) + pad(describe(ours), 26) + pad(describe(reference), 26)
                  + (ratio.map { String(format: "%.2f", $0) } ?? "n/a"))
        }
    }

    private func note(_ text: String) {
        if json { FileHandle.standardError.write(Data((text + "\n").utf8)) } else { print(text) }
    }
}

func pad(_ text: String, _ width: Int) -> String {
    text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
}
