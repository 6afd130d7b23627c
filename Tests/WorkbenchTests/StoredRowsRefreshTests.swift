import Collate
import Foundation
import Testing
import TUIKit
@testable import Workbench

/// Issue 23: `collate generate`, `score` or `eval` run from another terminal while the
/// workbench is open on the session: their rationales, scores and eval rows are shown at the
/// next poll or key, and the operator's place (prompt, column, an open text field, labels,
/// undo history) is kept.
@Suite struct StoredRowsRefreshTests {
    /// What another `collate` process does: its own connection to the session's store.
    static func otherWriter(_ fixture: TemporarySession) throws -> SessionStore {
        try SessionStore(url: fixture.session.location.store)
    }

    @Test func anotherWritersRationalesScoresAndEvalRowsAreShownWithoutLosingThePlace() throws {
        let fixture = try TemporarySession()
        defer { fixture.remove() }
        let terminal = MemoryTerminal(size: Size(width: 140, height: 40))
        let app = try WorkbenchApp(backend: try SessionBackend(session: fixture.session), terminal: terminal,
                                   clock: { fixedNow })
        try app.run()
        let validation = try #require(app.state.session.prompts.firstIndex { $0.split == .validation })
        let validationID = app.state.session.prompts[validation].id
        #expect(app.state.session.prompts[validation].answers.isEmpty)
        #expect(!app.pollStore(), "nothing written yet")

        // The operator moves to prompt 2, labels it, moves to column 2 and starts a note.
        terminal.type("j1l")
        terminal.feed(keys: [.char("n")] + keys("half a no"))
        try app.run()
        let labelled = app.state.session.prompts[1].humanLabel
        #expect(labelled?.chosenProvider == 1 && app.state.selectedPrompt == 1 && app.state.focusedColumn == 1)
        #expect(app.state.input?.kind == .note(promptID: fixture.trainIDs[1]))
        let undo = app.state.undoStack

        // Another terminal: `collate generate` writes the validation prompt's rationales,
        // `collate score` their scores and M_IFT's answers, `collate eval` round 0's rows.
        let cli = try Self.otherWriter(fixture)
        var generations: [GenerationRecord] = []
        for provider in 1...2 {
            generations.append(try cli.saveGeneration(GenerationRecord(
                promptId: validationID, iteration: 1, provider: provider, text: "Written elsewhere by RP\(provider).",
                tokenCount: 4)))
        }
        let tokens: [Float] = [-0.25, -0.75]
        _ = try cli.saveScoresAndPredictions(
            scores: [ScoreRecord(promptId: validationID, iteration: 1, provider: 1, generationId: generations[0].id,
                                 answerScore: try AnswerScore(tokenLogprobs: tokens), tokenLogprobs: tokens)],
            predictions: [PredictionRecord(promptId: validationID, iteration: 1, provider: 1,
                                           generationId: generations[0].id, text: "18", correct: true)])
        try cli.replaceEvaluation(iteration: 1, rows: [
            EvaluationRecord(iteration: 1, method: .direct, provider: 0, correct: 1, total: 4, validationPrompts: 1),
            EvaluationRecord(iteration: 1, method: .provider, provider: 1, correct: 3, total: 4, validationPrompts: 1),
        ])

        // The next key (typing on in the note) looks first: the rows are there, the place kept.
        terminal.type("te")
        try app.run()
        let shown = app.state.session.prompts[validation]
        #expect(shown.answers.map(\.rationale) == ["Written elsewhere by RP1.", "Written elsewhere by RP2."])
        #expect(shown.answers[0].score == (try AnswerScore(tokenLogprobs: tokens)).value)
        #expect(shown.answers[0].answerLogProbs == tokens && shown.answers[0].predictedAnswer == "18")
        #expect(shown.answers[0].correct == true && shown.answers[1].score == nil)
        #expect(app.state.session.evalRows.first { $0.iteration == 0 }?.direct == 0.25)
        #expect(app.state.selectedPrompt == 1 && app.state.focusedColumn == 1)
        #expect(app.state.input?.field.characters == Array("half a note"), "the note being typed is kept")
        #expect(app.state.session.prompts[1].humanLabel == labelled && app.state.undoStack == undo)
        #expect(!app.pollStore(), "shown once: nothing new")

        // Enter saves the note; the validation prompt then shows the stored rationale and score.
        terminal.feed(keys: [.enter])
        try app.run()
        #expect(try cli.humanLabel(promptID: fixture.trainIDs[1], iteration: 1)?.note == "half a note")
        terminal.type(String(repeating: "j", count: validation - 1))
        try app.run()
        #expect(app.state.currentPrompt?.id == validationID)
        let screen = terminal.screen.lines.joined(separator: "\n")
        #expect(screen.contains("Written elsewhere by RP1.") && screen.contains("Written elsewhere by RP2."), "\(screen)")
    }

    @Test func theBackendReportsOnlyThePromptsWithNewRowsOfItsRound() throws {
        let fixture = try TemporarySession()
        defer { fixture.remove() }
        let backend = try SessionBackend(session: fixture.session)
        let before = try backend.loadSession()
        #expect(try backend.storedRowsChangedElsewhere() == nil)
        let cli = try Self.otherWriter(fixture)
        let validationID = try #require(before.prompts.first { $0.split == .validation }?.id)
        // Another round's rationale is not this window's: no refresh for it.
        _ = try cli.saveGeneration(GenerationRecord(promptId: validationID, iteration: 2, provider: 1, text: "later", tokenCount: 1))
        #expect(try backend.storedRowsChangedElsewhere() == nil)
        _ = try cli.saveGeneration(GenerationRecord(promptId: validationID, iteration: 1, provider: 2, text: "now", tokenCount: 1))
        let refresh = try #require(try backend.storedRowsChangedElsewhere())
        #expect(refresh.prompts.map(\.id) == [validationID] && refresh.evalRows == nil)
        #expect(refresh.prompts[0].answers.map(\.rationale) == ["now"])
        // What is stored is what a fresh load shows.
        #expect(try backend.loadSession().prompts.first { $0.id == validationID } == refresh.prompts[0])
        #expect(try backend.storedRowsChangedElsewhere() == nil)
    }

    /// The merge on its own: stored answers replace shown ones of the same provider, one still
    /// streaming from this window's own job stays, and the inspector reloads its prompts.
    @Test func aMergeKeepsAStreamingRationaleAndReloadsTheInspector() {
        var state = WorkbenchState(session: Fixture.session(), size: Size(width: 120, height: 40))
        let prompt = state.session.prompts[0]
        state.session.prompts[0].answers[2].rationale = "still stream"
        state.inspect = InspectState(promptID: prompt.id, provider: 1, renderedPrompts: [], scroll: 0)
        var stored = prompt
        stored.answers = [ProviderAnswer(provider: 1, rationale: "stored text", score: 0.5)]
        stored.baselineScore = 0.4
        let effects = Workbench.update(&state, .storedRowsRefreshed(StoredRowsRefresh(prompts: [stored], evalRows: nil)),
                                       now: fixedNow)
        #expect(state.session.prompts[0].answers.map(\.rationale) == ["stored text", prompt.answers[1].rationale, "still stream"])
        #expect(state.session.prompts[0].baselineScore == 0.4)
        #expect(state.session.prompts[0].autoLabel == prompt.autoLabel)
        #expect(effects == [.loadRenderedPrompts(promptID: prompt.id, provider: 1)])
        #expect(state.message?.text == "another writer stored rationales or scores of 1 prompt: shown")
        // The same rows again change nothing and say nothing.
        state.message = nil
        #expect(Workbench.update(&state, .storedRowsRefreshed(StoredRowsRefresh(prompts: [stored], evalRows: nil)),
                                 now: fixedNow).isEmpty)
        #expect(state.message == nil)
    }
}
