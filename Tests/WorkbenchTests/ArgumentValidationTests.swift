import Collate
import Foundation
import Testing

/// Issue 23: arguments and environment variables are checked at the edge, with an error
/// naming the option and the value, a non-zero exit, and nothing run or written.
@Suite struct ArgumentValidationTests {
    func run(_ arguments: [String], environment: [String: String]? = nil) throws -> (status: Int32, output: String) {
        guard FileManager.default.isExecutableFile(atPath: EndToEndTests.binary) else {
            throw Tmux.Failed(description: "no \(EndToEndTests.binary): build it first")
        }
        return try Spawn.run(EndToEndTests.binary, arguments, environment: environment)
    }

    @Test func badArgumentsAreRefusedNamingTheOption() throws {
        let fixture = try TemporarySession()
        defer { fixture.remove() }
        let sessions = ["--sessions-dir", fixture.sessionsDirectory.path]
        let first = String(fixture.trainIDs[0])
        let cases: [(arguments: [String], message: String)] = [
            (["label", "demo", "--prompt", first, "--drop", "--iteration", "99999"],
             "iteration 99999 has nothing yet: the session's latest iteration is 1"),
            (["label", "demo", "--prompt", first, "--drop", "--iteration", "-3"], "--iteration must be at least 1, got -3"),
            (["import-adapter", "demo", "--provider", "1", "--iteration", "-1", "/nonexistent"],
             "--iteration must be at least 0, got -1"),
            (["run", "demo", "--eval-limit", "0"], "--eval-limit must be at least 1, got 0"),
            (["eval", "demo", "--limit", "0"], "--limit must be at least 1, got 0"),
            (["run", "demo", "--batch-size", "0"], "--batch-size must be at least 1, got 0"),
            (["providers", "demo", "--batch-size", "0"], "--batch-size must be at least 1, got 0"),
            (["providers", "demo", "--steps", "0"], "--steps must be at least 1, got 0"),
            (["train", "demo", "--iteration", "-2"], "iterations start at 1"),
            (["model", "generate", "/nonexistent", "--prompt", "x", "--temperature", "-1"],
             "--temperature must be a number >= 0 (0: greedy), got -1.0"),
            (["model", "generate", "/nonexistent", "--prompt", "x", "--top-k=-3"], "--top-k must be >= 0 (0: all tokens), got -3"),
            (["model", "generate", "/nonexistent", "--prompt", "x", "--top-p", "nan"], "--top-p must be in (0, 1] (1: all tokens), got nan"),
        ]
        for testCase in cases {
            let result = try run(testCase.arguments + (testCase.arguments[0] == "model" ? [] : sessions))
            #expect(result.status != 0, "\(testCase.arguments)")
            #expect(result.output.contains(testCase.message), "\(testCase.arguments): \(result.output)")
        }
        #expect(try fixture.session.store.labelsInForce(iteration: 1).human.isEmpty, "nothing was labelled")
        let adapters = fixture.session.location.adapters.appendingPathComponent("iteration--1")
        #expect(!FileManager.default.fileExists(atPath: adapters.path))
    }

    /// The validation prompt has no rationales: a pair label there would stop train.
    @Test func aPairOnAPromptWithoutRationalesIsRefused() throws {
        let fixture = try TemporarySession()
        defer { fixture.remove() }
        let bare = try #require(try fixture.session.store.prompts(split: .validation).first?.id)
        let result = try run(["label", "demo", "--prompt", String(bare), "--chosen", "2", "--rejected", "1",
                              "--sessions-dir", fixture.sessionsDirectory.path])
        #expect(result.status != 0)
        #expect(result.output.contains("prompt \(bare) has no rationale of provider 2 in iteration 1 (run generate first; it has none)"),
                "\(result.output)")
        #expect(try fixture.session.store.humanLabel(promptID: bare, iteration: 1) == nil)
    }

    @Test func aBadThreadCountIsRefusedBeforeAnythingRuns() throws {
        let fixture = try TemporarySession()
        defer { fixture.remove() }
        var environment = ProcessInfo.processInfo.environment
        environment["COLLATE_THREADS"] = "abc"
        let result = try run(["status", "demo", "--sessions-dir", fixture.sessionsDirectory.path], environment: environment)
        #expect(result.status == 64)
        #expect(result.output.contains("COLLATE_THREADS must be a whole number of threads from 1 to 4096, got \"abc\""),
                "\(result.output)")
        environment["COLLATE_THREADS"] = "2"
        #expect(try run(["status", "demo", "--sessions-dir", fixture.sessionsDirectory.path], environment: environment).status == 0)
    }
}
