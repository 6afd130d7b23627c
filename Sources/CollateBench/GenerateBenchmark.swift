import ArgumentParser
import Foundation
import LLM
import TensorCore

/// `collate-bench generate`: batched greedy decoding of a SmolLM2-135M-shaped model (random
/// weights) with two LoRA adapters (rank 8 on q, v), rows split between them, prompts of
/// 64-128 tokens, 128 new tokens, B sequences at once; generated tok/s beside llama.cpp's
/// `llama-batched-bench` (S_TG, same shapes and dtype, when COLLATE_LLAMA_CPP_BIN and a GGUF
/// are given) and transformers' padded batched `generate` (bench/torch_generate.py), in one run.
///
/// Decode rate = B x 127 / (time to generate 128 tokens - time to generate 1): the second
/// run is the prefill and first token alone, so what is left is the 127 decode steps, what
/// llama-batched-bench's S_TG measures (it times prompt processing apart).
struct GenerateBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Batched decoding (B = 1, 8, 32, 64; F16 and F32; two LoRA adapters) beside llama.cpp and transformers."
    )

    @Option(help: "Batch sizes, comma-separated.")
    var batches = "1,8,32,64"

    @Option(help: "Weight dtypes, comma-separated (f16, f32).")
    var dtypes = "f16,f32"

    @Option(help: "New tokens per sequence.")
    var newTokens = 128

    @Option(help: "Timed repetitions per side and point (median reported).")
    var reps = 2

    @Option(help: "llama.cpp's F16 GGUF of the model (its shapes must be SmolLM2-135M's).")
    var ggufF16: String?

    @Option(help: "llama.cpp's F32 GGUF of the model.")
    var ggufF32: String?

    @Flag(help: "Ours alone (no transformers, no llama.cpp), e.g. for profiling.")
    var noReference = false

    @Flag(help: "Also time transformers with F16 weights (PyTorch's CPU F16 kernels are very slow here).")
    var transformersF16 = false

    func validate() throws {
        guard reps >= 1, newTokens >= 2 else { throw ValidationError("--reps must be >= 1 and --new-tokens >= 2") }
        guard !batchSizes.isEmpty, batchSizes.allSatisfy({ $0 > 0 }) else { throw ValidationError("--batches: positive integers") }
        for d in dtypeList where !["f16", "f32"].contains(d) { throw ValidationError("unknown dtype \(d) (f16, f32)") }
    }

    var batchSizes: [Int] { batches.split(separator: ",").compactMap { Int($0.trimmingCharacters(in: .whitespaces)) } }
    var dtypeList: [String] { dtypes.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } }

    func run() throws {
        let threads = Parallelism.defaultThreads
        let config = ModelBenchmark.config
        var base = LlamaModel(randomConfig: config, seed: 1)
        for (index, name) in ["p1", "p2"].enumerated() {
            base.adapters[name] = LoRAAdapter(for: base, configuration: LoRAConfiguration(rank: 8, alpha: 16, targets: [.q, .v]),
                                              seed: UInt64(3 + index))
        }
        let largest = batchSizes.max() ?? 1
        var rng = SeededRandom(seed: 2)
        let lengths = (0..<largest).map { _ in 64 + rng.integer(below: 65) }            // 64 ... 128
        let prompts = lengths.map { n in (0..<n).map { _ in 1 + rng.integer(below: config.vocabSize - 1) } }
        let meanPrompt = lengths.reduce(0, +) / lengths.count
        say("model: SmolLM2-135M shapes, random init, adapters p1/p2 (LoRA r8 on q, v), rows alternate; "
              + "prompts 64-128 tokens (mean \(meanPrompt)), \(newTokens) new tokens, greedy; ours on \(threads) thread(s)")
        say("decode tok/s = B x \(newTokens - 1) / (t(\(newTokens) tokens) - t(1 token)); CPU: \(cpuName())")
        var torch: ScriptReference? = nil
        if !noReference {
            let (python, reason) = ScriptReference.venvPython()
            if let python {
                do {
                    torch = try ScriptReference(python: python, script: checkoutPath("bench/torch_generate.py"),
                                                arguments: [String(threads), lengths.map(String.init).joined(separator: ",")],
                                                environment: ["OMP_NUM_THREADS": String(threads)])
                    say("transformers reference: \(torch!.banner)")
                } catch { say("transformers reference unavailable (\(error))") }
            } else { say("transformers reference unavailable (\(reason))") }
        }
        let llama = noReference ? nil : LlamaBatchedBench.locate()
        if !noReference && llama == nil {
            say("llama.cpp: not available (set COLLATE_LLAMA_CPP_BIN to the directory holding llama-batched-bench); printing ours alone")
        }
        say(pad("dtype", 6) + pad("B", 4) + pad("ours tok/s", 12) + pad("ours/B=1", 10) + pad("llama.cpp S_TG", 16)
              + pad("ours/llama", 12) + pad("transformers", 14) + pad("ours/hf", 9) + "ours prefill tok/s")
        for dtype in dtypeList {
            let model = dtype == "f16" ? base.withWeightPrecision(.float16) : base
            var peer: [Int: Double] = [:]
            if let llama, let file = dtype == "f16" ? ggufF16 : ggufF32 {
                do { peer = try llama.run(model: file, promptTokens: meanPrompt, newTokens: newTokens, batches: batchSizes, threads: threads) }
                catch { say("llama.cpp failed on \(file): \(error)") }
            } else if llama != nil {
                say("llama.cpp: no --gguf-\(dtype) file given; its column stays empty for \(dtype)")
            }
            var oursAtOne: Double? = nil
            for b in batchSizes {
                let requests = (0..<b).map { i in
                    GenerationRequest(prompt: prompts[i], options: GenerationOptions(maxTokens: newTokens, stopTokenIDs: []),
                                      adapter: i % 2 == 0 ? "p1" : "p2")
                }
                let firstOnly = requests.map { r -> GenerationRequest in var r = r; r.options.maxTokens = 1; return r }
                func ours() -> (decode: Double, prefill: Double) {
                    var start = now()
                    _ = model.generate(batch: firstOnly, batchSize: b)
                    let prefill = now() - start
                    start = now()
                    let results = model.generate(batch: requests, batchSize: b)
                    let total = now() - start
                    precondition(results.allSatisfy { $0.tokens.count == newTokens }, "generate: short result")
                    return (total - prefill, prefill)
                }
                var oursRates: [Double] = [], prefillRates: [Double] = [], torchRates: [Double] = []
                _ = model.generate(batch: Array(firstOnly.prefix(1)), batchSize: 1)          // warm-up
                for _ in 0..<reps {
                    let (decode, prefill) = ours()
                    oursRates.append(Double(b * (newTokens - 1)) / decode)
                    prefillRates.append(Double(lengths.prefix(b).reduce(0, +)) / prefill)
                    if let t = torch, dtype == "f32" || transformersF16 {
                        do {
                            let one = try t.ask("gen \(dtype) \(b) 1"), all = try t.ask("gen \(dtype) \(b) \(newTokens)")
                            torchRates.append(Double(b * (newTokens - 1)) / max(all - one, 1e-9))
                        } catch { say("transformers failed on \(dtype) B=\(b): \(error)"); torch = nil }
                    }
                }
                let rate = Summary(oursRates).median
                if b == 1 { oursAtOne = rate }
                let hf = torchRates.isEmpty ? nil : Summary(torchRates).median
                let fmt = { (x: Double?) in x.map { String(format: "%.1f", $0) } ?? "n/a" }
                let ratio = { (x: Double?) in x.map { String(format: "%.2f", rate / $0) } ?? "n/a" }
                say(pad(dtype, 6) + pad("\(b)", 4) + pad(fmt(rate), 12) + pad(oursAtOne.map { String(format: "%.2f", rate / $0) } ?? "n/a", 10)
                      + pad(fmt(peer[b]), 16) + pad(ratio(peer[b]), 12) + pad(fmt(hf), 14) + pad(ratio(hf), 9)
                      + fmt(Summary(prefillRates).median))
            }
        }
        if let peak = peakResidentMB() { say(String(format: "peak memory (ours + model copies): %.0f MB", peak)) }
    }

    func cpuName() -> String {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return "unknown" }
        let line = text.split(separator: "\n").first { $0.hasPrefix("model name") }
        return line.map { $0.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? "" } ?? "unknown"
    }
}

/// llama.cpp's `llama-batched-bench`, found through COLLATE_LLAMA_CPP_BIN.
struct LlamaBatchedBench {
    let executable: String

    static func locate() -> LlamaBatchedBench? {
        guard let directory = ProcessInfo.processInfo.environment["COLLATE_LLAMA_CPP_BIN"] else { return nil }
        let path = URL(fileURLWithPath: directory).appendingPathComponent("llama-batched-bench").path
        return FileManager.default.isExecutableFile(atPath: path) ? LlamaBatchedBench(executable: path) : nil
    }

    /// S_TG (tok/s) per batch size: one prompt length for every sequence (its bench has no
    /// ragged prompts), `promptTokens` = the mean of ours.
    func run(model: String, promptTokens: Int, newTokens: Int, batches: [Int], threads: Int) throws -> [Int: Double] {
        let process = Process(), output = Pipe()
        process.executableURL = URL(fileURLWithPath: executable)
        let context = (batches.max() ?? 1) * (promptTokens + newTokens) + 64
        process.arguments = ["-m", model, "-c", String(context), "-b", "2048", "-ub", "512", "-npp", String(promptTokens),
                             "-ntg", String(newTokens), "-npl", batches.map(String.init).joined(separator: ","),
                             "-t", String(threads), "-tb", String(threads)]
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let text = String(decoding: data, as: UTF8.self)
        // The markdown table: | PP | TG | B | N_KV | T_PP s | S_PP t/s | T_TG s | S_TG t/s | T s | S t/s |
        var header: [String] = [], rates: [Int: Double] = [:]
        for line in text.split(separator: "\n") where line.hasPrefix("|") {
            let cells = line.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            if cells.contains("S_TG t/s") { header = cells; continue }
            guard let b = header.firstIndex(of: "B"), let s = header.firstIndex(of: "S_TG t/s"),
                  cells.count == header.count, let batch = Int(cells[b]), let rate = Double(cells[s]) else { continue }
            rates[batch] = rate
        }
        guard !rates.isEmpty else { throw ScriptReference.Failure.badReply("llama-batched-bench printed no table (exit \(process.terminationStatus))") }
        say("llama.cpp: \(executable) -m \(model) -npp \(promptTokens) -ntg \(newTokens) -npl \(batches.map(String.init).joined(separator: ",")) -t \(threads)")
        return rates
    }
}

/// One line to standard output, unbuffered, so each row shows as it is measured even when the
/// output goes to a file (a long run killed halfway keeps what it printed).
private func say(_ text: String) {
    FileHandle.standardOutput.write(Data((text + "\n").utf8))
}
