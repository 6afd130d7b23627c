import ArgumentParser
import Foundation

/// Checks of numbers given on the command line and in the environment, made before anything
/// runs (a `--eval-limit 0` used to run 16 s of providers first; `--iteration=-1` made a
/// folder `iteration--1/`), each naming the option and the value given.
enum ArgumentChecks {
    static func atLeast<N: BinaryInteger>(_ minimum: N, _ value: N?, _ option: String) throws {
        guard let value, value < minimum else { return }
        throw ValidationError("\(option) must be at least \(minimum), got \(value)")
    }

    /// Sampling settings: a temperature >= 0 (0: greedy), top-k >= 0 (0: all), top-p in (0, 1].
    static func sampling(temperature: Float?, topK: Int, topP: Float) throws {
        if let temperature, !(temperature.isFinite && temperature >= 0) {
            throw ValidationError("--temperature must be a number >= 0 (0: greedy), got \(temperature)")
        }
        guard topK >= 0 else { throw ValidationError("--top-k must be >= 0 (0: all tokens), got \(topK)") }
        guard topP.isFinite, topP > 0, topP <= 1 else {
            throw ValidationError("--top-p must be in (0, 1] (1: all tokens), got \(topP)")
        }
    }

    /// Environment variables the product reads, checked once at start: a bad value is an
    /// error naming it rather than silently the default.
    static func environment(_ environment: [String: String]) -> String? {
        if let threads = environment["COLLATE_THREADS"] {
            guard let count = Int(threads.trimmingCharacters(in: .whitespaces)), (1...4096).contains(count) else {
                return "COLLATE_THREADS must be a whole number of threads from 1 to 4096, got \"\(threads)\""
            }
        }
        return nil
    }
}
