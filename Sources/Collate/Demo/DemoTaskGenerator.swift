import Foundation
import TensorCore

/// The demo task: seeded multi-step arithmetic word problems (2 to 4 steps of + - * and exact
/// /, small non-negative integers), written as GSM8K JSONL so that they go through the same
/// import path as real data.
///
/// Problem `i` of a seed is drawn from `SplitMix64(seed, keys: [i])`: template first, then its
/// numbers and phrasings; a draw a template rejects is redrawn from the same stream. Whether
/// the gold rationale skips steps (`GoldRationales`) is drawn last, so the questions, steps and
/// answers of a seed are the same whoever writes the rationales. Problems
/// are deduplicated by question text across all splits: the first `test` distinct questions
/// form the test split and the next `train` the training file (validation is carved out of
/// it by the session's `[splits]`), so no problem is in two splits.
public enum DemoTaskGenerator {
    public struct Splits: Sendable, Equatable {
        public var train: [DemoProblem]
        public var test: [DemoProblem]
    }

    public enum GeneratorError: Error, CustomStringConvertible, Equatable {
        /// The templates ran out of distinct questions before the counts were reached.
        case tooFewDistinct(requested: Int, found: Int, attempts: Int)
        case write(path: String, reason: String)

        public var description: String {
            switch self {
            case .tooFewDistinct(let requested, let found, let attempts):
                "only \(found) distinct problems in \(attempts) draws, \(requested) requested"
            case .write(let path, let reason):
                "cannot write \(path): \(reason)"
            }
        }
    }

    /// Draws a template rejects before the problem index is given up (never reached in
    /// practice: every template accepts most draws).
    static let redrawLimit = 1000

    /// Problem number `index` of `seed` (deduplication not applied).
    public static func problem(seed: UInt64, index: Int, rationales: GoldRationales = .everyStep) -> DemoProblem? {
        var draw = DemoDraw(seed: seed, keys: [UInt64(index)])
        let template = draw.pick(DemoTemplate.all)
        for _ in 0..<redrawLimit {
            if var problem = try? template.make(&draw) {
                problem.skipsSteps = rationales.skipsSteps(template: problem.template, &draw)
                return problem
            }
        }
        return nil
    }

    public static func generate(train: Int, test: Int, seed: UInt64,
                                rationales: GoldRationales = .everyStep) throws(GeneratorError) -> Splits {
        let problems = try distinctProblems(count: train + test, seed: seed, rationales: rationales)
        return Splits(train: Array(problems[test...]), test: Array(problems[..<test]))
    }

    /// The first `count` problems of `seed` with distinct questions, none of them in `excluded`.
    public static func distinctProblems(count: Int, seed: UInt64, excluding excluded: Set<String> = [],
                                        rationales: GoldRationales = .everyStep) throws(GeneratorError) -> [DemoProblem] {
        var seen = excluded
        var problems: [DemoProblem] = []
        problems.reserveCapacity(count)
        // Room for duplicates: the question space is far larger than any count we ask for; the
        // bound only stops a generator that has run dry from looping for ever.
        let attempts = 20 * count + 1000
        var index = 0
        while problems.count < count && index < attempts {
            if let problem = problem(seed: seed, index: index, rationales: rationales), seen.insert(problem.question).inserted {
                problems.append(problem)
            }
            index += 1
        }
        guard problems.count == count else {
            throw .tooFewDistinct(requested: count, found: problems.count, attempts: index)
        }
        return problems
    }

    /// The JSONL text of problems, one GSM8K line each, newline-terminated.
    public static func jsonl(_ problems: [DemoProblem]) -> String {
        problems.map { $0.gsm8kJSONLine + "\n" }.joined()
    }

    /// Writes `train.jsonl` and `test.jsonl` into `directory` (created if needed); returns their URLs.
    public static func write(_ splits: Splits, to directory: URL) throws(GeneratorError) -> (train: URL, test: URL) {
        let train = directory.appendingPathComponent("train.jsonl")
        let test = directory.appendingPathComponent("test.jsonl")
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        } catch {
            throw .write(path: directory.path, reason: error.localizedDescription)
        }
        for (url, problems) in [(train, splits.train), (test, splits.test)] {
            do {
                try Data(jsonl(problems).utf8).write(to: url, options: .atomic)
            } catch {
                throw .write(path: url.path, reason: error.localizedDescription)
            }
        }
        return (train, test)
    }
}
