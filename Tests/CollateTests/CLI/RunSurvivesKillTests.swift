import Foundation
import GRDB
import Testing
import TestSupport
import TensorCore
@testable import Collate
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Issue 23: `collate run` SIGKILLed at a seeded random moment inside each of its stages, and
/// run again each time, ends with exactly what an uninterrupted run stored: every stored row
/// (rationales, scores, predictions, labels, reference log-probs, DPO metrics, evals), the
/// bytes of M_IFT and of every adapter, the printed table, and a store that passes
/// `PRAGMA integrity_check`.
///
/// The kills are chained on one session: run 1 is killed inside the first stage, run 2
/// (which resumes it) inside the second, and so on, then a last run finishes. Each kill
/// waits for its stage's line, then a delay drawn from the seed: 5-55% of how long that stage
/// took in the uninterrupted run (the log printed says where each kill landed).
@Suite struct RunSurvivesKillTests {
    /// Fixed, so a failure reproduces; `COLLATE_KILL_SEED=N` tries another.
    static let seed: UInt64 = ProcessInfo.processInfo.environment["COLLATE_KILL_SEED"].flatMap { UInt64($0) } ?? 23
    static let environment = ["COLLATE_THREADS": "1"]

    /// Every stage of `collate run` with K = 1, in order.
    static let stages = ["import", "mift", "providers", "iteration 0: eval", "iteration 1: generate", "iteration 1: score",
                         "iteration 1: pairs", "iteration 1: DPO provider 1", "iteration 1: DPO provider 2",
                         "iteration 1: eval"]

    /// A session `collate run` takes from start to end in a second or two: the tiny Llama, 10
    /// training problems with gold rationales (2 held out for validation), 6 test problems,
    /// MIFT and DPO of 4 steps with a checkpoint after each, sampled rationales.
    static func session(in directory: TemporaryDirectory) throws -> URL {
        let sessions = directory.url.appendingPathComponent("sessions")
        let folder = sessions.appendingPathComponent("k")
        func problem(_ n: Int) -> String { #"{"question": "What is \#(n) + \#(n)?", "answer": "\#(n) and \#(n) make \#(2 * n).\n#### \#(2 * n)"}"# }
        _ = try directory.write((1...10).map(problem).joined(separator: "\n") + "\n", to: "sessions/k/data/train.jsonl")
        _ = try directory.write((11...16).map(problem).joined(separator: "\n") + "\n", to: "sessions/k/data/test.jsonl")
        let training = "learning_rate = 0.01\nepochs = 1\nmax_steps = 4\nbatch_size = 2\ncheckpoint_every = 1"
        _ = try directory.write("""
            model = "model"
            [data]
            format = "gsm8k"
            train = "data/train.jsonl"
            test = "data/test.jsonl"
            [splits]
            seed = 0
            validation_size = 2
            [providers]
            count = 2
            [decoding]
            strategy = "sample"
            eval_strategy = "greedy"
            temperature = 1.0
            top_p = 1.0
            top_k = 0
            max_new_tokens = 12
            [mift]
            skip = false
            \(training)
            [dpo]
            beta = 0.1
            loss = "sigmoid"
            \(training)
            [lora]
            rank = 2
            alpha = 4.0
            targets = ["q", "v"]
            [loop]
            iterations = 1
            [seeds]
            training = 0
            sampling = 0
            pairs = 0
            [ablations]
            no_filter = true
            """, to: "sessions/k/session.toml")
        try TinyLlama.write(to: folder.appendingPathComponent("model"))
        return sessions
    }

    static func start(_ sessions: URL) throws -> StagedProcess {
        try StagedProcess(LabelSurvivesKillTests.executable, ["run", "k", "--json"],
                          environment: environment.merging([SessionLocation.environmentVariable: sessions.path]) { $1 })
    }

    /// The JSON table `--json` prints last: from its first line (progress lines come before).
    static func table(_ output: String) -> String {
        let lines = output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let start = lines.firstIndex(where: { $0.hasPrefix("[") && StagedProcess.stageName($0) == nil }) else { return "" }
        return lines[start...].joined(separator: "\n")
    }

    @Test func killedInEveryStageTheRunResumesToTheUninterruptedResult() throws {
        try #require(FileManager.default.isExecutableFile(atPath: LabelSurvivesKillTests.executable.path),
                     "build the collate product first (swift build --build-tests)")
        let straightDirectory = try TemporaryDirectory(), killedDirectory = try TemporaryDirectory()
        defer { straightDirectory.remove(); killedDirectory.remove() }
        let straight = try Self.session(in: straightDirectory)
        // A byte-for-byte copy (the fixture's tokenizer.json comes from a dictionary, whose
        // order differs from one instance to the next).
        let killed = killedDirectory.url.appendingPathComponent("sessions")
        try FileManager.default.copyItem(at: straight, to: killed)

        // The uninterrupted run, timing each stage.
        let reference = try Self.start(straight)
        let (referenceOutput, referenceStatus, _) = reference.wait()
        try #require(referenceStatus == 0, "\(referenceOutput)")
        let seen = reference.snapshot
        try #require(seen.stages.map(\.name) == Self.stages, "\(seen.stages.map(\.name))")
        var durations: [String: Duration] = [:]
        for (index, stage) in seen.stages.enumerated() {
            let end = index + 1 < seen.stages.count ? seen.stages[index + 1].at : (seen.ended ?? stage.at)
            durations[stage.name] = end - stage.at
        }

        var rng = SeededRandom(seed: Self.seed)
        var log: [String] = ["seed \(Self.seed)"]
        for stage in Self.stages {
            // Early enough in the stage that a resumed run, which may go faster than the
            // reference did on a loaded machine, is still in it (or in a later one).
            let fraction = 0.05 + 0.5 * rng.uniform()
            let delay = (durations[stage] ?? .zero) * fraction
            let run = try Self.start(killed)
            let began = run.waitForStage(stage)
            if began { Thread.sleep(forTimeInterval: Double(delay.components.seconds) + Double(delay.components.attoseconds) * 1e-18) }
            run.send(SIGKILL)
            let (output, _, signalled) = run.wait()
            let last = run.snapshot.stages.last?.name ?? "none"
            log.append("\(stage): killed \(delay) (\(Int(fraction * 100))% of \(durations[stage] ?? .zero)) in, during \"\(last)\"")
            #expect(began && signalled, "seed \(Self.seed): the run ended before the kill in \(stage)\n\(output)")
        }
        let final = try Self.start(killed)
        let (finalOutput, finalStatus, _) = final.wait()
        #expect(finalStatus == 0, "seed \(Self.seed): \(log)\n\(finalOutput)")
        let context = log.joined(separator: "\n")

        #expect(!Self.table(referenceOutput).isEmpty, "\(referenceOutput)")
        #expect(Self.table(finalOutput) == Self.table(referenceOutput), "\(context)")
        let a = try StoredRun(sessions: straight), b = try StoredRun(sessions: killed)
        for table in a.rows.keys.sorted() {
            #expect(a.rows[table] == b.rows[table], "table \(table) differs after the kills\n\(context)")
        }
        #expect(a.files.keys.sorted() == b.files.keys.sorted(), "\(context)")
        for name in a.files.keys.sorted() where a.files[name] != b.files[name] {
            Issue.record("\(name) differs after the kills\n\(context)")
        }
        #expect(b.integrity == "ok" && a.integrity == "ok", "\(context)")
        print("collate run kills: \(context)")
    }
}

/// What a finished run left: each table's rows (without ids and times, in a stable order)
/// and the bytes of every file under mift/ and adapters/ (the session's own path, which
/// adapter_config.json names as the base, written as SESSION).
struct StoredRun {
    var rows: [String: [String]] = [:]
    var files: [String: Data] = [:]
    var integrity = ""

    init(sessions: URL) throws {
        let folder = sessions.appendingPathComponent("k")
        let queue = try DatabaseQueue(path: folder.appendingPathComponent("state.sqlite").path)
        try queue.read { db in
            integrity = try String.fetchAll(db, sql: "PRAGMA integrity_check").joined(separator: "; ")
            let tables = try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name != 'grdb_migrations'")
            for table in tables {
                let all = try Row.fetchAll(db, sql: "PRAGMA table_info(\(table))").map { $0["name"] as String }
                let columns = all.filter { !["id", "createdAt", "startedAt", "finishedAt", "savedAt"].contains($0) }
                guard !columns.isEmpty else { continue }
                let list = columns.map { "quote(\($0))" }.joined(separator: " || '|' || ")
                // Tables keyed by their columns (no id, e.g. adapter) in key order.
                let order = all.contains("id") ? "id" : "1"
                rows[table] = try String.fetchAll(db, sql: "SELECT \(list) FROM \(table) ORDER BY \(order)")
            }
        }
        for top in ["mift", "adapters"] {
            let root = folder.appendingPathComponent(top)
            guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey]) else { continue }
            for case let url as URL in walker where (try url.resourceValues(forKeys: [.isRegularFileKey])).isRegularFile == true {
                var data = try Data(contentsOf: url)
                if url.pathExtension == "json" {
                    data = Data(String(decoding: data, as: UTF8.self).replacingOccurrences(of: folder.path, with: "SESSION").utf8)
                }
                files[top + url.path.dropFirst(root.path.count)] = data
            }
        }
    }
}
