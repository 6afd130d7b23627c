import ArgumentParser
import Foundation
import TensorCore

/// `collate-bench gemm`: our GEMM against numpy/OpenBLAS, both timed in this run, interleaved
/// repetition by repetition, at 1 and 2 threads.
struct GemmBenchmark: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gemm",
        abstract: "GFLOP/s of our GEMM and numpy's on square and LLM shapes, with the ratio."
    )

    @Flag(help: "One JSON object per line instead of a table.")
    var json = false

    @Option(help: "Timed repetitions per side (median reported); at least 5.")
    var reps = 5

    @Option(help: "Approximate length of one repetition, in seconds.")
    var seconds = 0.1

    @Option(name: .customLong("shape"), help: "Only this shape (MxKxN, one of the list); repeatable.")
    var shapes: [String] = []

    @Option(help: "The numpy reference script.")
    var numpyScript = GemmBenchmark.defaultScript

    /// bench/numpy_gemm.py beside Sources/ in the checkout this binary was built from.
    static var defaultScript: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("bench/numpy_gemm.py").path
    }

    /// C[m, n] = A[m, k] * op(B); the LLM shapes are Linear layers, y = x W^T (transB).
    struct Case {
        let m: Int, k: Int, n: Int, transB: Bool
        var shape: String { "\(m)x\(k)x\(n)" }
        var flops: Double { 2 * Double(m) * Double(k) * Double(n) }
    }

    static let cases: [Case] = [256, 512, 1024, 2048].map { Case(m: $0, k: $0, n: $0, transB: false) }
        + [Case(m: 1, k: 576, n: 1536, transB: true), Case(m: 64, k: 576, n: 576, transB: true),
           Case(m: 512, k: 576, n: 1536, transB: true), Case(m: 512, k: 1536, n: 576, transB: true)]

    /// Microseconds to wait after a multi-threaded reference repetition (see `measure`).
    static let referenceSpinSettle: UInt32 = 200_000

    func validate() throws {
        guard reps >= 5 else { throw ValidationError("--reps must be at least 5") }
        guard seconds > 0 else { throw ValidationError("--seconds must be positive") }
        let known = Set(Self.cases.map(\.shape))
        for shape in shapes where !known.contains(shape) {
            throw ValidationError("unknown --shape \(shape); known: \(Self.cases.map(\.shape).joined(separator: ", "))")
        }
    }

    func run() throws {
        if !json {
            print("GEMM C[M,N] = A[M,K] op(B)[K,N], GFLOP/s, median of \(reps) (min-max); "
                  + "shape MxKxN, LLM shapes with B transposed")
            print(pad("shape", 14) + pad("threads", 8) + pad("ours", 24) + pad("numpy", 24) + "ratio")
        }
        for threads in [1, 2] {
            let reference: NumpyReference?
            do {
                reference = try NumpyReference(script: numpyScript, threads: threads)
                note("numpy reference, \(threads) thread(s): \(reference?.banner ?? "")")
            } catch {
                reference = nil
                note("numpy reference unavailable (\(error)); printing our figures alone")
            }
            for testCase in Self.cases where shapes.isEmpty || shapes.contains(testCase.shape) {
                try measure(testCase, threads: threads, reference: reference)
            }
        }
    }

    private func measure(_ t: Case, threads: Int, reference: NumpyReference?) throws {
        var a = [Float](repeating: 0, count: t.m * t.k)
        var b = [Float](repeating: 0, count: t.k * t.n)
        var c = [Float](repeating: 0, count: t.m * t.n)
        for i in a.indices { a[i] = Float(i % 97) / 97 - 0.5 }
        for i in b.indices { b[i] = Float(i % 89) / 89 - 0.5 }
        let ldb = t.transB ? t.k : t.n
        let ours: () -> Void = {
            a.withUnsafeBufferPointer { a in
                b.withUnsafeBufferPointer { b in
                    c.withUnsafeMutableBufferPointer { c in
                        gemm(transA: false, transB: t.transB, m: t.m, n: t.n, k: t.k,
                             a: a.baseAddress!, lda: t.k, b: b.baseAddress!, ldb: ldb,
                             c: c.baseAddress!, ldc: t.n, accumulate: false, threads: threads)
                    }
                }
            }
        }
        // Warm up both sides (the reference warms up on its first request), then interleave.
        ours()
        let calls = callsPerRepetition(lasting: seconds, ours)
        var reference = reference
        if let r = reference {
            do {
                _ = try r.secondsPerCall(m: t.m, k: t.k, n: t.n, transB: t.transB, seconds: seconds)
            } catch {
                note("numpy reference failed on \(t.shape): \(error)")
                reference = nil
            }
        }
        var oursTimes: [Double] = [], referenceTimes: [Double] = []
        for _ in 0..<reps {
            oursTimes.append(secondsPerCall(calls: calls, ours))
            if let r = reference {
                referenceTimes.append(
                    try r.secondsPerCall(m: t.m, k: t.k, n: t.n, transB: t.transB, seconds: seconds))
                // OpenBLAS worker threads busy-wait ~0.1 s (2^28 cycles) after a call before
                // they sleep; timing ours at once would race them for the second core.
                if threads > 1 { usleep(Self.referenceSpinSettle) }
            }
        }
        report(t, threads: threads, ours: rates(t, oursTimes),
               reference: referenceTimes.isEmpty ? nil : rates(t, referenceTimes))
    }

    /// GFLOP/s summary from seconds per call (the fastest time gives the maximum rate).
    private func rates(_ t: Case, _ times: [Double]) -> Summary {
        Summary(times.map { t.flops / $0 / 1e9 })
    }

    private func report(_ t: Case, threads: Int, ours: Summary, reference: Summary?) {
        let ratio = reference.map { ours.median / $0.median }
        if json {
            let ref = reference.map { String(format: "%.1f", $0.median) } ?? "null"
            let ratioText = ratio.map { String(format: "%.2f", $0) } ?? "null"
            print("{\"bench\": \"gemm\", \"shape\": \"\(t.shape)\", \"threads\": \(threads), "
                  + "\"ours\": \(String(format: "%.1f", ours.median)), \"ref\": \(ref), "
                  + "\"ratio\": \(ratioText), \"unit\": \"GFLOP/s\", \"ref_name\": \"numpy-openblas\"}")
        } else {
            let refText = reference.map(describe) ?? "n/a"
            let ratioText = ratio.map { String(format: "%.2f", $0) } ?? "n/a"
            print(pad(t.shape, 14) + pad("\(threads)", 8) + pad(describe(ours), 24)
                  + pad(refText, 24) + ratioText)
        }
    }

    private func describe(_ s: Summary) -> String {
        String(format: "%.1f (%.1f-%.1f)", s.median, s.min, s.max)
    }

    private func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }

    /// Context lines go to stderr in JSON mode, so stdout stays one object per line.
    private func note(_ text: String) {
        if json {
            FileHandle.standardError.write(Data((text + "\n").utf8))
        } else {
            print(text)
        }
    }
}
