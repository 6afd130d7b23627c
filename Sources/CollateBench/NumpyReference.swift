import Foundation

/// `bench/numpy_gemm.py` run by the system python3 as a `ScriptReference`, timing numpy's
/// matmul on request so it can be measured interleaved with ours. One process per thread
/// count: the thread count goes in through OPENBLAS_NUM_THREADS / OMP_NUM_THREADS, and
/// OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE are removed for this process only (BENCHMARKS.md).
struct NumpyReference {
    struct NoPython: Error, CustomStringConvertible {
        var description: String { "python3 not found on PATH" }
    }

    private let script: ScriptReference
    /// The first line the script prints: numpy version and OpenBLAS kernel.
    var banner: String { script.banner }

    init(script path: String, threads: Int) throws {
        let directories = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":")
        guard let python = directories.map({ "\($0)/python3" })
            .first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else { throw NoPython() }
        script = try ScriptReference(
            python: python, script: path, arguments: [],
            environment: ["OPENBLAS_NUM_THREADS": String(threads), "OMP_NUM_THREADS": String(threads)],
            removing: ["OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"])
    }

    /// Seconds per call of one repetition (about `seconds` long) of A[m, k] @ op(B)[k, n].
    func secondsPerCall(m: Int, k: Int, n: Int, transB: Bool, seconds: Double) throws -> Double {
        try script.ask("\(m) \(k) \(n) \(transB ? 1 : 0) \(seconds)")
    }
}
