import Collate
import Foundation
import Synchronization
import Testing
import TUIKit
@testable import Workbench

/// The real job runner on a tiny model: DPO steps in the background, their metrics on the
/// Train screen and in the store, pause/resume/stop at step boundaries, and keys answered
/// while a job runs.
@Suite struct ModelJobRunnerTests {
    /// Events a job reported, from its thread.
    final class Recorder: Sendable {
        let events = Mutex<[JobEvent]>([])
        func record(_ event: JobEvent) { events.withLock { $0.append(event) } }
        var all: [JobEvent] { events.withLock { $0 } }

        /// Waits (up to a minute) until an event matches.
        func wait(for match: (JobEvent) -> Bool) throws {
            let deadline = Date().addingTimeInterval(60)
            while !all.contains(where: match) {
                guard Date() < deadline else { throw Timeout(events: all) }
                Thread.sleep(forTimeInterval: 0.005)
            }
        }

        func lossSteps() -> [Int] {
            all.compactMap { if case .metric(let step, "loss", _, _) = $0 { step } else { nil } }
        }
    }

    struct Timeout: Error, CustomStringConvertible {
        let events: [JobEvent]
        var description: String { "no such event in a minute; got \(events)" }
    }

    /// Handles the terminal's events until `done` holds (a minute at most).
    static func pump(_ app: WorkbenchApp, _ terminal: MemoryTerminal, until done: () -> Bool) throws {
        let deadline = Date().addingTimeInterval(60)
        while !done() {
            guard Date() < deadline else { throw Timeout(events: []) }
            if let event = try terminal.nextEvent(timeout: nil) { app.handle(event) } else { Thread.sleep(forTimeInterval: 0.002) }
        }
        try app.present()
    }

    @Test func threeStepsFromThePaletteReachTheChartsAndTheStore() throws {
        let tiny = try TinyModelSession()
        defer { tiny.remove() }
        let runner = ModelJobRunner()
        let terminal = MemoryTerminal(size: Size(width: 100, height: 30))
        let app = try WorkbenchApp(backend: try SessionBackend(session: tiny.session, jobs: runner), terminal: terminal)
        terminal.feed(keys: [.char(":")])
        terminal.type("train 3")
        terminal.feed(keys: [.enter])
        try app.run()
        #expect(app.state.screen == .train)
        try Self.pump(app, terminal) { app.state.jobs[.train]?.isActive == false }

        #expect(app.state.jobs[.train]?.phase == .finished)
        // Two providers, 3 steps each: each provider's run is its own line, x its run's step.
        #expect(app.state.metrics["loss", provider: 1]?.map(\.x) == [1, 2, 3])
        #expect(app.state.metrics["loss", provider: 2]?.map(\.x) == [1, 2, 3])
        for name in ["rewards/margins", "rewards/accuracies", "rewards/chosen", "rewards/rejected"] {
            #expect(app.state.metrics[name]?.count == 6, "\(name)")
        }
        #expect(app.state.metrics["nll_loss"] == nil)  // sft_weight 0: no SFT term to chart
        // A fresh adapter is its own reference: the first step's loss is ln 2.
        #expect(abs((app.state.metrics["loss"]?.first?.y ?? 0) - log(2.0)) < 1e-6)
        #expect(app.state.jobs[.train]?.done == 6 && app.state.jobs[.train]?.total == 6)
        #expect(app.state.jobs[.train]?.tokensPerSecond.map { $0 > 0 } == true)
        let screen = terminal.screen.lines.joined(separator: "\n")
        #expect(screen.contains("step 6"))
        #expect(screen.contains("Training · finished"))
        #expect(app.state.logLines.contains { $0.hasPrefix("provider 2: 3 steps on \(tiny.trainIDs.count) pairs done") },
                "\(app.state.logLines)")

        let runs = try tiny.runs()
        for provider in 1...2 {
            let run = try #require(runs[provider])
            #expect(run.status == .finished)
            #expect(try tiny.session.store.metrics(runID: try #require(run.id)).map(\.step) == [1, 2, 3])
        }
        #expect(!runner.isBusy)
    }

    /// The Train screen charts the SFT term beside the loss only when a step has one.
    @Test func theSFTTermIsChartedOnlyWhenTheStepHasOne() {
        var metric = MetricRecord(runId: 1, step: 1)
        metric.loss = 1.5
        #expect(StepWatcher.metrics(metric).map(\.0) == ["loss"])
        metric.nllLoss = 0.25
        #expect(StepWatcher.metrics(metric).map(\.0) == ["loss", "nll_loss"])
        #expect(StepWatcher.metrics(metric).last?.1 == 0.25)
    }

    @Test func pauseCheckpointsAndResumeContinuesThere() throws {
        let tiny = try TinyModelSession()
        defer { tiny.remove() }
        let runner = ModelJobRunner()
        let recorder = Recorder()
        let session = tiny.session
        // Pause from the job's own thread at its first step: deterministic, whatever the speed.
        let report: @Sendable (JobEvent) -> Void = { event in
            recorder.record(event)
            if case .metric(1, "loss", _, 1) = event {
                try? runner.control(.pause(.train), session: session, iteration: 1) { recorder.record($0) }
            }
        }
        try runner.control(.start(.train, steps: 3), session: session, iteration: 1, report: report)
        try recorder.wait { $0 == .paused(.train) }
        #expect(recorder.lossSteps() == [1])
        let first = try #require(try tiny.runs()[1])
        #expect(first.status == .stopped)
        #expect(try session.store.latestCheckpoint(runID: try #require(first.id))?.step == 1)
        #expect(try tiny.runs()[2] == nil)

        try runner.control(.resume(.train), session: session, iteration: 1, report: report)
        try recorder.wait { $0 == .finished(.train) }
        #expect(recorder.all.contains(.resumed(.train)))
        // The chart goes on where it paused: provider 1's steps 2 and 3, then provider 2's three.
        #expect(recorder.lossSteps() == [1, 2, 3, 1, 2, 3])
        #expect(try session.store.metrics(runID: try #require(first.id)).map(\.step) == [1, 2, 3])
        #expect(try tiny.runs()[1]?.status == .finished && tiny.runs()[2]?.status == .finished)
    }

    @Test func stopEndsTheJobAndLeavesNothingToResume() throws {
        let tiny = try TinyModelSession()
        defer { tiny.remove() }
        let runner = ModelJobRunner()
        let recorder = Recorder()
        let session = tiny.session
        let report: @Sendable (JobEvent) -> Void = { event in
            recorder.record(event)
            if case .metric(2, "loss", _, 1) = event {
                try? runner.control(.stop(.train), session: session, iteration: 1) { recorder.record($0) }
            }
        }
        try runner.control(.start(.train, steps: 3), session: session, iteration: 1, report: report)
        try recorder.wait { $0 == .stopped(.train) }
        #expect(recorder.lossSteps() == [1, 2])
        #expect(try tiny.runs()[1]?.status == .stopped && tiny.runs()[2] == nil)
        #expect(recorder.all.contains(.log("train stopped after step 2 of provider 1; t resumes from the checkpoint")))

        try runner.control(.resume(.train), session: session, iteration: 1) { recorder.record($0) }
        #expect(recorder.all.last == .failed(.train, message: "no paused train job to resume"))
    }

    @Test func withoutPairsOrModelTheJobFailsWithAReason() throws {
        let tiny = try TinyModelSession()
        defer { tiny.remove() }
        let recorder = Recorder()
        // Every prompt dropped by hand: no pairs for either provider.
        for prompt in tiny.trainIDs {
            _ = try tiny.session.store.writeHumanLabel(promptID: prompt, iteration: 1, request: .drop, note: nil,
                                                   providerCount: 2)
        }
        let runner = ModelJobRunner()
        try runner.control(.start(.train, steps: 3), session: tiny.session, iteration: 1) { recorder.record($0) }
        try recorder.wait { if case .failed = $0 { true } else { false } }
        #expect(recorder.all.last == .failed(.train, message: "no preference pairs to train on in round 1 yet: "
            + "label prompts (a digit chooses, r and a digit rejects) or score them for auto labels"))
        #expect(recorder.all.contains(.log("provider 1: no preference pairs in round 1")))

        try FileManager.default.removeItem(at: tiny.session.location.resolve("model"))
        let noModel = Recorder()
        try runner.control(.start(.train, steps: 3), session: tiny.session, iteration: 1) { noModel.record($0) }
        try noModel.wait { if case .failed = $0 { true } else { false } }
        guard case .failed(.train, let message)? = noModel.all.last else { Issue.record("\(noModel.all)"); return }
        #expect(message.hasPrefix("DPO training needs the model: no model at "))
        #expect(noModel.all.contains(.log("train failed: \(message)")))
    }

    @Test func aKeyIsAnsweredWhileTrainingRuns() throws {
        let tiny = try TinyModelSession()
        defer { tiny.remove() }
        let runner = ModelJobRunner()
        let gate = DispatchSemaphore(value: 0)
        // Holds the job after its first step until the key was answered, so it is surely running.
        let backend = GatedBackend(try SessionBackend(session: tiny.session, jobs: runner), gate: gate)
        let terminal = MemoryTerminal(size: Size(width: 100, height: 30))
        let app = try WorkbenchApp(backend: backend, terminal: terminal)
        terminal.feed(keys: [.char(":")])
        terminal.type("train 3")
        terminal.feed(keys: [.enter])
        try app.run()
        try Self.pump(app, terminal) { app.state.metrics["loss"]?.count == 1 }
        #expect(runner.isBusy && app.state.screen == .train)

        let pressed = Date()
        app.handle(.key(.char("C")))
        try app.present()
        let answered = Date().timeIntervalSince(pressed)
        #expect(app.state.screen == .compare)
        #expect(runner.isBusy)
        #expect(answered < 0.2, "the key took \(answered) s")
        gate.signal()
        try Self.pump(app, terminal) { app.state.jobs[.train]?.phase == .finished }
        #expect(app.state.metrics["loss"]?.count == 6)
    }
}

/// A backend that forwards everything and holds the job's thread at its first metric until
/// the test opens the gate.
final class GatedBackend: WorkbenchBackend, @unchecked Sendable {
    let inner: SessionBackend
    let gate: DispatchSemaphore

    init(_ inner: SessionBackend, gate: DispatchSemaphore) {
        self.inner = inner
        self.gate = gate
    }

    func loadSession() throws -> SessionSnapshot { try inner.loadSession() }
    func renderedPrompts(promptID: Int64, provider: Int) throws -> [RenderedPrompt] {
        try inner.renderedPrompts(promptID: promptID, provider: provider)
    }
    func writeHumanLabel(promptID: Int64, label: PairLabel?, kind: LabelWriteKind) throws {
        try inner.writeHumanLabel(promptID: promptID, label: label, kind: kind)
    }
    func control(_ command: JobCommand, report: @escaping @Sendable (JobEvent) -> Void) throws {
        let gate = self.gate
        try inner.control(command) { event in
            report(event)
            if case .metric(1, "rewards/rejected", _, 1) = event { gate.wait() }
        }
    }
}

/// Generate streams into the columns, score (then pairs) brings l_s, l_0 and auto labels.
@Suite struct StageJobTests {
    @Test func generateStreamsTokensThenScoreBringsScoresAndAutoLabels() throws {
        let tiny = try TinyModelSession(rationales: false)
        defer { tiny.remove() }
        let runner = ModelJobRunner()
        let terminal = MemoryTerminal(size: Size(width: 100, height: 30))
        let app = try WorkbenchApp(backend: try SessionBackend(session: tiny.session, jobs: runner), terminal: terminal)
        #expect(app.state.session.prompts.allSatisfy { $0.answers.isEmpty })
        let recorder = ModelJobRunnerTests.Recorder()
        try runner.control(.start(.generate, steps: nil), session: tiny.session, iteration: 1) { recorder.record($0) }
        try recorder.wait { $0 == .finished(.generate) }
        // The streamed pieces join to exactly the stored rationale of each (prompt, provider).
        var streamed: [String: String] = [:]
        for case .token(let promptID, let provider, let text) in recorder.all { streamed["\(promptID)/\(provider)", default: ""] += text }
        #expect(streamed.count == 2 * tiny.trainIDs.count)
        for promptID in tiny.trainIDs {
            for provider in 1...2 {
                let stored = try tiny.session.store.generation(promptID: promptID, iteration: 1, provider: provider)
                #expect(streamed["\(promptID)/\(provider)"] == stored?.text)
            }
        }

        // Through the app: score, then the prompts read back with l_0, l_s and auto labels.
        app.handle(.key(.char("s")))
        try ModelJobRunnerTests.pump(app, terminal) { app.state.jobs[.score]?.phase == .finished }
        let train = app.state.session.prompts.filter { tiny.trainIDs.contains($0.id) }
        #expect(train.count == tiny.trainIDs.count)
        for prompt in train {
            #expect(prompt.baselineScore != nil)
            #expect(prompt.answers.map(\.provider) == [1, 2] && prompt.answers.allSatisfy { $0.score != nil })
            #expect(prompt.autoLabel != nil)
        }
    }
}
