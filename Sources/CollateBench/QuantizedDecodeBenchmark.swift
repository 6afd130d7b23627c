import Foundation
import LLM
import TensorCore

/// `collate-bench model --only decodeq --gguf FILE...`: greedy decode of real GGUF files
/// with their matrices kept as stored (`--weights stored`: Q8_0 / Q4_1 blocks read by the
/// kernels directly; an F16 or F32 GGUF stays F16 / F32, so the same row compares the
/// unquantized decode with llama.cpp's), beside llama.cpp's `llama-bench -m FILE -p 0 -n 64 -t THREADS`
/// on the same file. Both sides time 64 single-token steps from an empty context (tg64); the
/// reps alternate ours and one `llama-bench -r 1` run. llama-bench is found in
/// `COLLATE_LLAMA_CPP_BIN` (a directory); without it our figures are printed alone.
struct QuantizedDecodeBenchmark {
    let bench: ReferenceComparison
    let reps: Int
    let threads: Int

    static let steps = 64

    /// The llama-bench executable, or why there is none.
    static func llamaBench() -> (URL?, String) {
        guard let directory = ProcessInfo.processInfo.environment["COLLATE_LLAMA_CPP_BIN"], !directory.isEmpty else {
            return (nil, "COLLATE_LLAMA_CPP_BIN is not set")
        }
        let url = URL(fileURLWithPath: directory).appendingPathComponent("llama-bench")
        guard FileManager.default.isExecutableFile(atPath: url.path) else {
            return (nil, "no executable llama-bench in COLLATE_LLAMA_CPP_BIN=\(directory)")
        }
        return (url, url.path)
    }

    func run(files: [String]) throws {
        if files.isEmpty {
            bench.note("decodeq: no --gguf FILE given; skipped")
            return
        }
        let (llamaBench, reason) = Self.llamaBench()
        bench.note(llamaBench == nil ? "llama.cpp reference unavailable (\(reason)); printing our figures alone"
                   : "decodeq reference (the column headed torch): llama.cpp \(reason) -p 0 -n \(Self.steps) -t \(threads)")
        for path in files {
            let directory = try ModelDirectory(url: URL(fileURLWithPath: path))
            let model = try LlamaModel(directory: directory, weightPrecision: .asStored)
            let tag = Self.tag(model, path: path)
            bench.report(name: "decodeq_weights_\(tag)", unit: "MB", ours: Summary([ModelBenchmark.weightMegabytes(model)]),
                         reference: nil, lowerIsBetter: true)
            _ = decode(model)  // warm-up
            var ours: [Double] = [], theirs: [Double] = []
            for _ in 0..<reps {
                ours.append(decode(model))
                if let llamaBench {
                    do { theirs.append(try Self.llamaBenchRate(llamaBench, file: path, threads: threads)) } catch {
                        bench.note("llama-bench failed on \(path): \(error)")
                    }
                }
            }
            bench.report(name: "decode_tg\(Self.steps)_\(tag)", unit: "tok/s", ours: Summary(ours),
                         reference: theirs.isEmpty ? nil : Summary(theirs), lowerIsBetter: false,
                         referenceName: "llama.cpp")
        }
    }

    /// "q4_1" for a file whose layer matrices are Q4_1 (the embedding may differ).
    static func tag(_ model: LlamaModel, path: String) -> String {
        let name = LlamaWeightLayout.layer(0, "mlp.up_proj.weight")
        let encoding = model.namedParameters.first { $0.name == name }?.variable.value.storageEncoding
        return (encoding?.rawValue ?? "mixed").lowercased()
    }

    /// Tokens per second of `steps` greedy single-token steps from an empty cache.
    func decode(_ model: LlamaModel) -> Double {
        var cache = KVCache(config: model.config, capacity: Self.steps)
        var token = model.config.bosTokenID ?? 1
        let start = now()
        for _ in 0..<Self.steps {
            let logits = model.logits(ids: [token], cache: &cache)
            token = logits.withUnsafeBufferPointer { values in
                var best = 0
                for i in values.indices where values[i] > values[best] { best = i }
                return best
            }
        }
        return Double(Self.steps) / (now() - start)
    }

    struct LlamaBenchFailure: Error, CustomStringConvertible {
        let description: String
    }

    /// One `llama-bench -r 1` run's tg rate, from its JSON output (`avg_ts`).
    static func llamaBenchRate(_ executable: URL, file: String, threads: Int) throws -> Double {
        let process = Process()
        process.executableURL = executable
        process.arguments = ["-m", file, "-p", "0", "-n", String(steps), "-t", String(threads), "-r", "1", "-o", "json"]
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        _ = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw LlamaBenchFailure(description: "llama-bench exited with status \(process.terminationStatus)")
        }
        guard let rows = try JSONSerialization.jsonObject(with: data) as? [[String: Any]],
              let rate = rows.first?["avg_ts"] as? Double else {
            throw LlamaBenchFailure(description: "llama-bench printed no avg_ts: \(String(decoding: data.prefix(200), as: UTF8.self))")
        }
        return rate
    }
}
