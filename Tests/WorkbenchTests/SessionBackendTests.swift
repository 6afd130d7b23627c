import Collate
import Foundation
import Testing
import TUIKit
@testable import Workbench

/// The workbench over a real session store (SessionFixture.swift): what it loads, what keys
/// write, what jobs say without a model.
@Suite struct SessionBackendTests {
    @Test func loadsPromptsScoresAndLabelsTrainFirst() throws {
        let fixture = try TemporarySession()
        defer { fixture.remove() }
        let snapshot = try SessionBackend(session: fixture.session).loadSession()
        #expect(snapshot.name == "demo" && snapshot.providers == ["RP1", "RP2"] && snapshot.iteration == 1)
        #expect(snapshot.prompts.map(\.split) == [.train, .train, .train, .validation, .test])
        #expect(snapshot.prompts.prefix(3).map(\.id) == fixture.trainIDs)

        let first = snapshot.prompts[0]
        let record = try #require(try fixture.session.store.prompt(id: first.id))
        #expect(first.instruction == record.instruction && first.goldAnswer == record.goldAnswer)
        #expect(first.answers.map(\.provider) == [1, 2])
        #expect(first.answers[0].rationale == "Half of 48 is 24, and 48 + 24 = 72.")
        #expect(abs((first.answers[0].score ?? 0) - exp(-0.5)) < 1e-6)
        #expect(abs((first.baselineScore ?? 0) - exp(-2)) < 1e-6)
        #expect(first.answers[0].answerLogProbs == [-0.75, -0.25])
        #expect(first.goldAnswerTokens.isEmpty, "no tokenizer without a model: positions are shown")
        #expect(first.autoLabel?.sameDecision(as: PairLabel(action: .chosen, chosenProvider: 1, rejectedProvider: 2)) == true)
        #expect(first.humanLabel == nil)
        // l_0 = e^-0.05 beats both rationales: the filter dropped the pair.
        #expect(snapshot.prompts[1].autoLabel?.action == .filtered)
        #expect(snapshot.prompts[3].answers.isEmpty && snapshot.prompts[3].autoLabel == nil)
    }

    /// The score stage's predicted answers (M_IFT's answer given each rationale) reach the
    /// column headers: the text and whether it is right.
    @Test func predictedAnswersComeFromTheStore() throws {
        let fixture = try TemporarySession()
        defer { fixture.remove() }
        let store = fixture.session.store
        let promptID = fixture.trainIDs[0]
        let generations = try store.generations(iteration: 1).filter { $0.promptId == promptID }
        let predictions = generations.map {
            PredictionRecord(promptId: promptID, iteration: 1, provider: $0.provider, generationId: $0.id,
                             text: $0.provider == 1 ? "72" : "70", correct: $0.provider == 1)
        }
        _ = try store.saveScoresAndPredictions(scores: [], predictions: predictions)
        let snapshot = try SessionBackend(session: fixture.session).loadSession()
        let first = try #require(snapshot.prompts.first { $0.id == promptID })
        #expect(first.answers.map(\.predictedAnswer) == ["72", "70"])
        #expect(first.answers.map(\.correct) == [true, false])
        let other = try #require(snapshot.prompts.first { $0.id == fixture.trainIDs[1] })
        #expect(other.answers.allSatisfy { $0.predictedAnswer == nil && $0.correct == nil })
    }

    @Test func labelsWrittenByKeysAreInTheStoreAndReopen() throws {
        let fixture = try TemporarySession()
        defer { fixture.remove() }
        let store = fixture.session.store
        let ids = fixture.trainIDs
        let terminal = MemoryTerminal(size: Size(width: 120, height: 40))
        terminal.type("2jxja")   // RP2 over RP1; drop; accept the auto pair
        let app = try WorkbenchApp(backend: try SessionBackend(session: fixture.session), terminal: terminal,
                                   clock: { fixedNow })
        try app.run()
        #expect(terminal.screen.lines.joined().contains("RP2"))
        let chosen = try #require(try store.humanLabel(promptID: ids[0], iteration: 1))
        #expect(chosen.action == .chosen && chosen.chosenProvider == 2 && chosen.rejectedProvider == 1)
        #expect(chosen.createdAt == fixedNow && chosen.replacesLabelId != nil)
        #expect(try store.humanLabel(promptID: ids[1], iteration: 1)?.action == .dropped)
        #expect(try store.humanLabel(promptID: ids[2], iteration: 1)?.action == .chosen)

        // Undo the accept: the human label is withdrawn, not replaced by a copy of the auto one.
        terminal.type("u")
        // Accept the filtered pair of the second prompt as filtered.
        terminal.type("ka")
        try app.run()
        #expect(try store.humanLabel(promptID: ids[2], iteration: 1) == nil)
        #expect(try store.labelHistory(promptID: ids[2], iteration: 1).map(\.action) == [.chosen, .chosen, .withdrawn])
        #expect(try store.effectiveLabel(promptID: ids[2], iteration: 1)?.source == .auto)
        let accepted = try #require(try store.humanLabel(promptID: ids[1], iteration: 1))
        #expect(accepted.action == .filtered && accepted.chosenProvider == 1 && accepted.rejectedProvider == 2)
        #expect(try store.labelAgreement(iteration: 1) == LabelAgreement(agreed: 1, compared: 2))

        // A new program over the same files shows the same labels: nothing waited to be saved.
        let reopened = try Session.open(fixture.session.location)
        let again = try WorkbenchApp(backend: try SessionBackend(session: reopened),
                                     terminal: MemoryTerminal(size: Size(width: 120, height: 40)))
        let prompts = again.state.session.prompts
        #expect(prompts[0].humanLabel?.chosenProvider == 2 && prompts[0].humanLabel?.rejectedProvider == 1)
        #expect(prompts[1].humanLabel?.action == .filtered)
        #expect(prompts[2].humanLabel == nil && prompts[2].autoLabel?.action == .chosen)
        #expect(prompts.map { LabelStatus($0) }.prefix(3) == [.disagreement, .filtered, .auto])
    }

    @Test func jobsSayWhatIsMissingInsteadOfRunning() throws {
        let fixture = try TemporarySession()
        defer { fixture.remove() }
        let terminal = MemoryTerminal(size: Size(width: 120, height: 40))
        let app = try WorkbenchApp(backend: try SessionBackend(session: fixture.session), terminal: terminal)
        terminal.type("t")
        try app.run()
        let model = fixture.session.location.folder.appendingPathComponent("model").path
        #expect(app.state.message == StatusMessage(
            text: "train failed: DPO training needs the model: no model at \(model): see README", isError: true))

        // With a model directory the message names the missing runtime instead.
        try FileManager.default.createDirectory(atPath: model, withIntermediateDirectories: true)
        try Data("{}".utf8).write(to: URL(fileURLWithPath: model + "/config.json"))
        terminal.type("e")
        try app.run()
        #expect(app.state.message?.text.hasPrefix("eval failed: the store holds no answers for the test split") == true)
        #expect(app.state.message?.text.hasSuffix("this build of collate has no model runtime to run it yet") == true)
    }

    @Test func rendersEachModeWithTheManifestTemplates() throws {
        let fixture = try TemporarySession()
        defer { fixture.remove() }
        let backend = try SessionBackend(session: fixture.session)
        let id = fixture.trainIDs[0]
        let instruction = try #require(try fixture.session.store.prompt(id: id)).instruction
        let rendered = try backend.renderedPrompts(promptID: id, provider: 2)
        #expect(rendered == [
            RenderedPrompt(mode: "I -> A", text: "Question: \(instruction)\nAnswer:\n"),
            RenderedPrompt(mode: "I -> R", text: "Question: \(instruction)\nReasoning:\n"),
            RenderedPrompt(mode: "[I;R] -> A", text: "Question: \(instruction)\nReasoning:\n48 + 48 = 96.\nAnswer:\n"),
        ])
        #expect(throws: StoreError.unknownPrompt(999)) { try backend.renderedPrompts(promptID: 999, provider: 1) }
    }

    /// Under the single-provider ablation the one provider writes two candidates per prompt:
    /// both are columns, and an operator can prefer either.
    @Test func theSingleProviderAblationShowsEveryCandidateAsAColumn() throws {
        let fixture = try TemporarySession(singleProvider: true)
        defer { fixture.remove() }
        #expect(fixture.session.manifest.effectiveProviderCount == 1 && fixture.session.manifest.candidateCount == 2)
        let backend = try SessionBackend(session: fixture.session)
        let snapshot = try backend.loadSession()
        #expect(snapshot.providers == ["RP1", "RP1/2"])
        #expect(snapshot.prompts[0].answers.map(\.provider) == [1, 2])
        try backend.writeHumanLabel(promptID: fixture.trainIDs[0],
                                    label: PairLabel(action: .chosen, chosenProvider: 2, rejectedProvider: 1))
        let label = try #require(try fixture.session.store.humanLabel(promptID: fixture.trainIDs[0], iteration: 1))
        #expect(label.chosenProvider == 2 && label.rejectedProvider == 1)
    }

    @Test func refusesLabelsTheStoreCannotHold() throws {
        let fixture = try TemporarySession()
        defer { fixture.remove() }
        let backend = try SessionBackend(session: fixture.session)
        // "filtered" only agrees with a filtered auto pair; the first prompt's was kept.
        #expect(throws: StoreError.self) {
            try backend.writeHumanLabel(promptID: fixture.trainIDs[0],
                                        label: PairLabel(action: .filtered, chosenProvider: 1, rejectedProvider: 2))
        }
        #expect(throws: StoreError.self) {
            try backend.writeHumanLabel(promptID: fixture.trainIDs[0], label: PairLabel(action: .chosen, chosenProvider: 1))
        }
        #expect(try fixture.session.store.humanLabel(promptID: fixture.trainIDs[0], iteration: 1) == nil)
    }

    @Test func anEmptySessionLoadsWithNothingToShow() throws {
        let fixture = try TemporarySession(populate: false)
        defer { fixture.remove() }
        let snapshot = try SessionBackend(session: fixture.session).loadSession()
        #expect(snapshot.prompts.isEmpty && snapshot.iteration == 1)
    }
}
