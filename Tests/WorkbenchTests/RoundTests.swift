import Collate
import Foundation
import LLM
import Testing
import TUIKit
@testable import Workbench

/// One numbering with the CLI: the header and the labels are of round i (the store's
/// iteration i), an eval row is the test accuracy after round r (store eval r + 1, as
/// `collate status` has it), and a training that saved every provider's adapter moves the
/// workbench to the next round, so `e` then tests the adapters just trained.
@Suite struct RoundTests {
    @Test func aFinishedTrainingMovesToTheNextRoundAndEvalTestsItsAdapters() throws {
        let tiny = try TinyModelSession()
        defer { tiny.remove() }
        let runner = ModelJobRunner()
        let terminal = MemoryTerminal(size: Size(width: 120, height: 40))
        let app = try WorkbenchApp(backend: try SessionBackend(session: tiny.session, jobs: runner), terminal: terminal)
        #expect(app.state.session.iteration == 1)
        try app.present()
        #expect(terminal.screen.lines[0].contains("tiny · round 1"))

        terminal.feed(keys: [.char(":")])
        terminal.type("train 3")
        terminal.feed(keys: [.enter])
        try app.run()
        try ModelJobRunnerTests.pump(app, terminal) { app.state.session.iteration == 2 }
        #expect(app.state.jobs[.train]?.phase == .finished)
        for provider in 1...2 { #expect(ProviderAdapters.exists(tiny.session.location, iteration: 1, provider: provider)) }
        #expect(app.state.message?.text == "round 1 trained: now round 2 (g writes its rationales with the new adapters, "
                + "e evaluates them)")
        #expect(terminal.screen.lines[0].contains("tiny · round 2"))
        #expect(app.state.session.prompts.allSatisfy { $0.answers.isEmpty && $0.humanLabel == nil && $0.autoLabel == nil })

        // e evaluates store iteration 2: the adapters of round 1, shown as round 1's row.
        app.handle(.key(.char("e")))
        try ModelJobRunnerTests.pump(app, terminal) { app.state.jobs[.eval]?.isActive == false }
        #expect(app.state.jobs[.eval]?.phase == .finished, "\(app.state.logLines)")
        #expect(app.state.session.evalRows.map(\.iteration) == [1])
        #expect(try !tiny.session.store.evaluation(iteration: 2).isEmpty)
        #expect(try tiny.session.store.evaluation(iteration: 1).isEmpty, "not the untrained providers")
        let shown = try #require(app.state.session.evalRows.first)

        // A second t, in round 2 before g: nothing to train on, said plainly; round 1's charts stay.
        app.handle(.key(.char("t")))
        try ModelJobRunnerTests.pump(app, terminal) { if case .failed = app.state.jobs[.train]?.phase { true } else { false } }
        #expect(app.state.message?.text == "train failed: round 2 has no rationales yet: g writes them with round 1's "
                + "adapters, s scores them, then t trains on their pairs", "\(app.state.logLines)")
        for provider in 1...2 { #expect(app.state.metrics["loss", provider: provider]?.map(\.x) == [1, 2, 3]) }
        #expect(app.state.session.iteration == 2)

        // Reopened, the workbench is at round 2 and its Eval screen has the stored row.
        let reopened = try SessionBackend(session: tiny.session)
        #expect(reopened.iteration == 2)
        let snapshot = try reopened.loadSession()
        #expect(snapshot.evalRows == [shown])
        let again = try WorkbenchApp(backend: reopened, terminal: MemoryTerminal(size: Size(width: 120, height: 40)))
        // ... and its Train screen the last round's runs, a line per provider.
        for provider in 1...2 { #expect(again.state.metrics["loss", provider: provider]?.map(\.x) == [1, 2, 3]) }
        again.handle(.key(.char("E")))
        let eval = WorkbenchView.render(again.state).lines.joined(separator: "\n")
        #expect(eval.contains("Test accuracy per round") && !eval.contains("no evaluation yet"), "\(eval)")
    }

    @Test func aTrainingThatLeavesAProviderWithoutAnAdapterStaysInItsRound() throws {
        let tiny = try TinyModelSession()
        defer { tiny.remove() }
        let backend = try SessionBackend(session: tiny.session)
        #expect(try backend.advanceAfterTraining() == nil, "no adapter of round 1 yet")
        let model = try LlamaModel(directory: try ModelDirectory(url: tiny.session.miftDirectory))
        let adapter = LoRAAdapter(for: model, configuration: tiny.session.manifest.lora.configuration, seed: 1)
        try ProviderAdapters.save(adapter, to: ProviderAdapters.directory(tiny.session.location, iteration: 1, provider: 1),
                                  baseModel: tiny.session.miftDirectory.path)
        #expect(try backend.advanceAfterTraining() == nil, "provider 2 has none")
        try ProviderAdapters.save(adapter, to: ProviderAdapters.directory(tiny.session.location, iteration: 1, provider: 2),
                                  baseModel: tiny.session.miftDirectory.path)
        #expect(try backend.advanceAfterTraining() == 2)
        #expect(backend.iteration == 2)
        #expect(try backend.loadSession().iteration == 2)
        #expect(try backend.advanceAfterTraining() == nil)
    }
}

@Suite struct AnswerTokenTests {
    /// The tiny model's byte-level tokenizer: "10" is two byte tokens, then EOS.
    @Test func theInspectorShowsTheScoredTokensTexts() throws {
        let tiny = try TinyModelSession()
        defer { tiny.remove() }
        let backend = try SessionBackend(session: tiny.session)
        let prompt = try #require(try tiny.session.store.prompts().first { $0.goldAnswer == "10" })
        let tokens = try backend.answerTokens(promptID: try #require(prompt.id))
        #expect(tokens.count == 3)
        #expect(tokens.prefix(2).joined() == prompt.goldAnswer)
        #expect(tokens.last == "<|endoftext|>")

        // Through the app: Enter loads them into the prompt the inspector shows.
        let app = try WorkbenchApp(backend: backend, terminal: MemoryTerminal(size: Size(width: 120, height: 40)))
        let index = try #require(app.state.session.prompts.firstIndex { $0.id == prompt.id })
        for _ in 0..<index { app.handle(.key(.char("j"))) }
        #expect(app.state.selectedPrompt == index)
        app.handle(.key(.enter))
        #expect(app.state.session.prompts[index].goldAnswerTokens == tokens)
    }
}

@Suite struct TrainingChartsTests {
    @Test func aResumedRunGoesOnAndANewRunStartsItsProvidersLinesAfresh() {
        var charts = TrainingCharts()
        for step in 1...5 { charts.append("loss", provider: 1, step: step, value: Double(step)) }
        for step in 1...3 { charts.append("loss", provider: 2, step: step, value: -Double(step)) }
        #expect(charts.providers(of: "loss") == [1, 2] && charts["loss"]?.count == 8)
        // Provider 1 resumes from its checkpoint at step 4: step 5's point is not its history.
        charts.runStarted(provider: 1, at: 4)
        charts.append("loss", provider: 1, step: 5, value: 50)
        #expect(charts["loss", provider: 1]?.map(\.y) == [1, 2, 3, 4, 50])
        #expect(charts["loss", provider: 2]?.count == 3, "the other provider's line stays")
        charts.runStarted(provider: 2, at: 0)
        #expect(charts["loss", provider: 2] == [] && charts.providers(of: "loss") == [1])
    }

    /// Stop after provider 1's step 2, then train 3 again: the chart shows steps 1-3 of provider 1
    /// (2 stored, 3 after the resume), not 1-1 from the resume alone.
    @Test func afterStopAndResumeTheChartShowsEveryStep() throws {
        let tiny = try TinyModelSession()
        defer { tiny.remove() }
        let runner = ModelJobRunner()
        let recorder = ModelJobRunnerTests.Recorder()
        let session = tiny.session
        let report: @Sendable (JobEvent) -> Void = { event in
            recorder.record(event)
            if case .metric(2, "loss", _, 1) = event {
                try? runner.control(.stop(.train), session: session, iteration: 1) { recorder.record($0) }
            }
        }
        try runner.control(.start(.train, steps: 3), session: session, iteration: 1, report: report)
        try recorder.wait { $0 == .stopped(.train) }
        let terminal = MemoryTerminal(size: Size(width: 120, height: 40))
        let app = try WorkbenchApp(backend: try SessionBackend(session: session, jobs: runner), terminal: terminal)
        #expect(app.state.metrics["loss", provider: 1]?.map(\.x) == [1, 2], "the stored steps on opening")
        terminal.feed(keys: [.char(":")])
        terminal.type("train 3")
        terminal.feed(keys: [.enter])
        try app.run()
        try ModelJobRunnerTests.pump(app, terminal) { app.state.jobs[.train]?.isActive == false }
        #expect(app.state.logLines.contains { $0.contains("provider 1: run") && $0.contains("resumed at step 2") },
                "\(app.state.logLines)")
        #expect(app.state.metrics["loss", provider: 1]?.map(\.x) == [1, 2, 3])
        #expect(app.state.metrics["loss", provider: 2]?.map(\.x) == [1, 2, 3])
    }
}

/// Every job stops from a key (S) and the palette (:stop), within a step, keeping what it
/// finished and saying so.
@Suite struct JobStopTests {
    @Test func sAndThePaletteStopWhicheverJobRuns() {
        var state = Fixture.state()
        #expect(press(keys("S"), &state).isEmpty)
        #expect(state.message?.text == "no job to stop")
        _ = Workbench.update(&state, .jobEvent(.started(.generate, total: 5)), now: fixedNow)
        press([.escape], &state)
        #expect(state.message?.text == "generate is running: S stops it (what it finished is kept)")
        #expect(press(keys("S"), &state) == [.job(.stop(.generate))])
        #expect(state.message?.text == "stopping generate: what it finished is kept")
        #expect(press(keys(":stop") + [.enter], &state) == [.job(.stop(.generate))])
    }

    /// Stopped at its first streamed piece, generate keeps only whole prompts; run again it
    /// writes exactly what an uninterrupted run writes.
    @Test func aStoppedGenerateKeepsWholePromptsAndARerunFinishesTheSame() throws {
        func rows(_ tiny: TinyModelSession) throws -> [String] {
            try tiny.trainIDs.flatMap { id in
                try tiny.session.store.generations(promptID: id, iteration: 1).map { "\(id)/\($0.provider): \($0.text)" }
            }
        }
        let reference = try TinyModelSession(rationales: false)
        defer { reference.remove() }
        let whole = ModelJobRunner()
        let done = ModelJobRunnerTests.Recorder()
        try whole.control(.start(.generate, steps: nil), session: reference.session, iteration: 1) { done.record($0) }
        try done.wait { $0 == .finished(.generate) }

        let tiny = try TinyModelSession(rationales: false)
        defer { tiny.remove() }
        let runner = ModelJobRunner()
        let recorder = ModelJobRunnerTests.Recorder()
        let session = tiny.session
        try runner.control(.start(.generate, steps: nil), session: session, iteration: 1) { event in
            recorder.record(event)
            if case .token = event, recorder.all.filter({ if case .token = $0 { true } else { false } }).count == 1 {
                try? runner.control(.stop(.generate), session: session, iteration: 1) { recorder.record($0) }
            }
        }
        try recorder.wait { $0 == .stopped(.generate) }
        let stopped = try #require(recorder.all.compactMap { event -> String? in
            if case .log(let line) = event, line.hasPrefix("generate stopped") { line } else { nil }
        }.first)
        #expect(stopped.hasSuffix("prompts done and saved; g continues from there"), "\(stopped)")
        for id in tiny.trainIDs {
            let count = try tiny.session.store.generations(promptID: id, iteration: 1).count
            #expect(count == 0 || count == 2, "prompt \(id) saved half: \(count) rationales")
        }
        #expect(try rows(tiny).count < 2 * tiny.trainIDs.count, "it stopped before the end")

        try runner.control(.start(.generate, steps: nil), session: session, iteration: 1) { recorder.record($0) }
        try recorder.wait { $0 == .finished(.generate) }
        #expect(try rows(tiny) == rows(reference))
    }
}

@Suite struct LiveScoreTests {
    /// Each batch of scores reaches its prompts as it is stored, before the job ends.
    @Test func scoresAppearOnEachPromptAsTheyAreStored() throws {
        let tiny = try TinyModelSession()               // rationales of both providers, no scores
        defer { tiny.remove() }
        let runner = ModelJobRunner()
        let recorder = ModelJobRunnerTests.Recorder()
        try runner.control(.start(.score, steps: nil), session: tiny.session, iteration: 1) { recorder.record($0) }
        try recorder.wait { $0 == .finished(.score) }
        let events = recorder.all
        // One update per scored prompt as its batch is stored, then the whole reload at the end.
        let updates = events.filter { if case .promptUpdated = $0 { true } else { false } }.count
        let all = try tiny.session.store.prompts().count
        #expect(updates == tiny.trainIDs.count + all)
        let firstScored = try #require(events.firstIndex { event in
            if case .promptUpdated(let item) = event { return item.answers.contains { $0.score != nil } }
            return false
        })
        #expect(firstScored < (events.firstIndex(of: .finished(.score)) ?? 0))
        let progress = events.compactMap { event -> Int? in if case .progress(.score, _, let total, _) = event { total } else { nil } }
        #expect(progress.allSatisfy { $0 == tiny.trainIDs.count }, "only the prompts with rationales are counted")
    }
}
