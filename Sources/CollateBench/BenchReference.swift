import Foundation
import TensorCore

/// The part `collate-bench model` and `collate-bench dpo` share: the PyTorch reference
/// process (bench/torch_model.py), interleaved timing, and one output line per metric.
struct ReferenceComparison {
    let json: Bool
    let reps: Int
    var reference: ScriptReference?

    /// Starts the reference unless `disabled`; without it, our figures are printed alone.
    init(json: Bool, reps: Int, disabled: Bool, threads: Int) {
        self.json = json
        self.reps = reps
        reference = nil
        if disabled { return }
        let (python, reason) = ScriptReference.venvPython()
        guard let python else {
            note("PyTorch reference unavailable (\(reason)); printing our figures alone")
            return
        }
        do {
            let started = try ScriptReference(python: python, script: checkoutPath("bench/torch_model.py"),
                                              arguments: [String(threads)],
                                              environment: ["OMP_NUM_THREADS": String(threads)])
            note("PyTorch reference: \(started.banner)")
            reference = started
        } catch {
            note("PyTorch reference unavailable (\(error)); printing our figures alone")
        }
    }

    func header() {
        if !json { print(pad("workload", 30) + pad("ours", 26) + pad("torch", 26) + "ratio") }
    }

    /// Warms both sides up once, then alternates ours and the reference `reps` times. A
    /// reference that fails a request (e.g. a dtype its CPU build lacks) is reported and
    /// left out of that row only.
    func compare(_ name: String, unit: String, work: Double, request: String,
                 lowerIsBetter: Bool = false, _ body: () throws -> Void) throws {
        var reference = reference
        try body()
        if let r = reference {
            do { _ = try r.ask(request) } catch {
                note("PyTorch reference failed on \(request): \(error)")
                reference = nil
            }
        }
        var ours: [Double] = [], theirs: [Double] = []
        for _ in 0..<reps {
            let start = now()
            try body()
            ours.append(now() - start)
            if let r = reference { theirs.append(try r.ask(request)) }
        }
        let rate: (Double) -> Double = { lowerIsBetter ? $0 / work : work / $0 }
        report(name: name, unit: unit, ours: Summary(ours.map(rate)),
               reference: theirs.isEmpty ? nil : Summary(theirs.map(rate)), lowerIsBetter: lowerIsBetter)
    }

    /// Both processes' peak resident memory (ours VmHWM, torch ru_maxrss).
    func reportPeakMemory(_ name: String = "peak_memory") {
        let torchPeak = reference.flatMap { try? $0.ask("peak") }
        report(name: name, unit: "MB", ours: peakResidentMB().map { Summary([$0]) },
               reference: torchPeak.map { Summary([$0]) }, lowerIsBetter: true)
    }

    /// ratio > 1 means ours is better (for seconds and MB, reference / ours).
    func report(name: String, unit: String, ours: Summary?, reference: Summary?, lowerIsBetter: Bool,
                referenceName: String = "pytorch") {
        let ratio: Double? = {
            guard let ours, let reference, ours.median > 0, reference.median > 0 else { return nil }
            return lowerIsBetter ? reference.median / ours.median : ours.median / reference.median
        }()
        if json {
            let value: (Summary?) -> String = { $0.map { String(format: "%.3f", $0.median) } ?? "null" }
            print("{\"bench\": \"model\", \"metric\": \"\(name)\", \"threads\": \(Parallelism.defaultThreads), "
                  + "\"ours\": \(value(ours)), \"ref\": \(value(reference)), "
                  + "\"ratio\": \(ratio.map { String(format: "%.2f", $0) } ?? "null"), "
                  + "\"unit\": \"\(unit)\", \"ref_name\": \"\(referenceName)\"}")
        } else {
            let describe: (Summary?) -> String = { s in
                guard let s else { return "n/a" }
                return s.min == s.max ? String(format: "%.1f", s.median)
                    : String(format: "%.2f (%.2f-%.2f)", s.median, s.min, s.max)
            }
            print(pad("\(name) [\(unit)]", 30) + pad(describe(ours), 26) + pad(describe(reference), 26)
                  + (ratio.map { String(format: "%.2f", $0) } ?? "n/a"))
        }
    }

    func note(_ text: String) {
        if json { FileHandle.standardError.write(Data((text + "\n").utf8)) } else { print(text) }
    }
}

func pad(_ text: String, _ width: Int) -> String {
    text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
}
