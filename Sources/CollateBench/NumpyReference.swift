import Foundation

/// A long-running `python3 bench/numpy_gemm.py` that times numpy's matmul on request, so the
/// reference can be measured interleaved with ours. One process per thread count: the
/// thread count goes in through OPENBLAS_NUM_THREADS / OMP_NUM_THREADS, and
/// OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE are removed for this process only (BENCHMARKS.md).
final class NumpyReference {
    enum Failure: Error, CustomStringConvertible {
        case scriptMissing(String)
        case badReply(String)
        var description: String {
            switch self {
            case .scriptMissing(let path): "reference script not found at \(path)"
            case .badReply(let text): "unexpected reply from numpy_gemm.py: \(text.prefix(200))"
            }
        }
    }

    /// The first line the script prints: numpy version and OpenBLAS kernel.
    private(set) var banner = ""
    private let process = Process()
    private let input = Pipe(), output = Pipe()
    private var buffered = Data()

    init(script: String, threads: Int) throws {
        guard FileManager.default.fileExists(atPath: script) else {
            throw Failure.scriptMissing(script)
        }
        var environment = ProcessInfo.processInfo.environment
        environment["OPENBLAS_CORETYPE"] = nil
        environment["OPENBLAS_L2_SIZE"] = nil
        environment["OPENBLAS_NUM_THREADS"] = String(threads)
        environment["OMP_NUM_THREADS"] = String(threads)
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script]
        process.environment = environment
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        let first = try readLine()
        guard first.hasPrefix("{") else { throw Failure.badReply(first) }
        banner = first
    }

    deinit {
        try? input.fileHandleForWriting.close()
        process.waitUntilExit()
    }

    /// Seconds per call of one repetition (about `seconds` long) of A[m, k] @ op(B)[k, n].
    func secondsPerCall(m: Int, k: Int, n: Int, transB: Bool, seconds: Double) throws -> Double {
        let request = "\(m) \(k) \(n) \(transB ? 1 : 0) \(seconds)\n"
        try input.fileHandleForWriting.write(contentsOf: Data(request.utf8))
        let reply = try readLine()
        guard let value = Double(reply), value > 0 else { throw Failure.badReply(reply) }
        return value
    }

    private func readLine() throws(Failure) -> String {
        while true {
            if let newline = buffered.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffered[..<newline], as: UTF8.self)
                buffered.removeSubrange(...newline)
                return line
            }
            // availableData returns as soon as anything arrived (read(upToCount:) waits for
            // the full count on Linux and would deadlock on a one-line reply).
            let chunk = output.fileHandleForReading.availableData
            guard !chunk.isEmpty else {
                throw Failure.badReply("python3 exited (is numpy installed?)")
            }
            buffered.append(chunk)
        }
    }
}
