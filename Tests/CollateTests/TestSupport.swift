import Foundation
import TestSupport
import Testing
@testable import Collate

enum Fixtures {
    /// The repository's root, from this file's path (Tests/CollateTests/TestSupport.swift).
    static let repositoryRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The repository's own GSM8K copy (MIT, OpenAI): the bundled session sessions/gsm8k.
    static let gsm8kDirectory = repositoryRoot
        .appendingPathComponent("sessions/gsm8k/data", isDirectory: true)

    /// A store with `count` train prompts, ids 1...count.
    static func store(prompts count: Int) throws -> SessionStore {
        let store = try SessionStore()
        try store.write { db in
            for line in 1...count {
                var prompt = PromptRecord(split: .train, instruction: "question \(line)", goldRationale: nil,
                                          goldAnswer: "\(line)", options: nil, sourceFile: "t.jsonl",
                                          sourceLine: line, sourceHash: "h\(line)")
                try prompt.insert(db)
            }
        }
        return store
    }

    static func score(_ store: SessionStore, prompt: Int64, iteration: Int, provider: Int, logprobs: [Float]) throws {
        _ = try store.saveScore(ScoreRecord(
            promptId: prompt, iteration: iteration, provider: provider, generationId: nil,
            answerScore: try AnswerScore(tokenLogprobs: logprobs), tokenLogprobs: logprobs))
    }
}

/// A command-line program of this package (built beside the test bundle) run to its end.
enum ChildProcess {
    /// Started, with stdout and stderr going into one pipe.
    static func start(_ executable: URL, _ arguments: [String], environment: [String: String]) throws
        -> (process: Process, pipe: Pipe) {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        return (process, pipe)
    }

    /// Its exit status and everything it wrote to stdout and stderr, interleaved.
    static func run(_ executable: URL, _ arguments: [String], environment: [String: String]) throws
        -> (status: Int32, output: String) {
        let (process, pipe) = try start(executable, arguments, environment: environment)
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }
}
