import Foundation
import Testing
@testable import Collate
import TestSupport

@Suite struct LabelStoreTests {
    func decision(_ chosen: Int, _ lc: Double, _ rejected: Int, _ lr: Double, baseline: Double = 0.1, kept: Bool = true)
        -> PairDecision {
        PairDecision(chosen: ScoredCandidate(provider: chosen, score: lc),
                     rejected: ScoredCandidate(provider: rejected, score: lr), baseline: baseline, kept: kept)
    }

    @Test func humanLabelReplacesAutoWithProvenance() throws {
        let store = try Fixtures.store(prompts: 2)
        try Fixtures.score(store, prompt: 1, iteration: 1, provider: 0, logprobs: [-2])
        try Fixtures.score(store, prompt: 1, iteration: 1, provider: 1, logprobs: [-0.5])
        try Fixtures.score(store, prompt: 1, iteration: 1, provider: 2, logprobs: [-1])
        let auto = try store.writeAutoLabel(promptID: 1, iteration: 1, decision: decision(1, 0.6, 2, 0.37))
        #expect(!auto.unchanged && auto.replaced == nil && auto.label.action == .chosen)
        // Same auto decision again (a rerun of the pairs stage): nothing new.
        let again = try store.writeAutoLabel(promptID: 1, iteration: 1, decision: decision(1, 0.6, 2, 0.37))
        #expect(again.unchanged && again.label.id == auto.label.id)

        let when = Date(timeIntervalSince1970: 1_800_000_000)
        let human = try store.writeHumanLabel(promptID: 1, iteration: 1, request: .pair(chosen: 2, rejected: 1),
                                              note: "1 skips a step", providerCount: 2, at: when)
        #expect(!human.unchanged)
        #expect(human.replaced?.id == auto.label.id)
        let label = try #require(try store.effectiveLabel(promptID: 1, iteration: 1))
        #expect(label.source == .human && label.chosenProvider == 2 && label.rejectedProvider == 1)
        #expect(label.note == "1 skips a step" && label.createdAt == when && label.replacesLabelId == auto.label.id)
        // The scores it was based on, from the score table: exp(-1), exp(-0.5), exp(-2).
        #expect(abs((label.scoreChosen ?? 0) - exp(-1.0)) < 1e-12)
        #expect(abs((label.scoreRejected ?? 0) - exp(-0.5)) < 1e-12)
        #expect(abs((label.scoreBaseline ?? 0) - exp(-2.0)) < 1e-12)

        // Idempotent: the same decision and note again writes nothing.
        let repeatWrite = try store.writeHumanLabel(promptID: 1, iteration: 1, request: .pair(chosen: 2, rejected: 1),
                                                    note: "1 skips a step", providerCount: 2)
        #expect(repeatWrite.unchanged && repeatWrite.label.id == human.label.id)
        // A drop replaces the human label; the history keeps all three.
        let drop = try store.writeHumanLabel(promptID: 1, iteration: 1, request: .drop, note: nil, providerCount: 2)
        #expect(drop.replaced?.id == human.label.id)
        #expect(try store.labelHistory(promptID: 1, iteration: 1).map(\.action) == [.chosen, .chosen, .dropped])
        #expect(try store.effectiveLabel(promptID: 1, iteration: 1)?.action == .dropped)
        // A later auto relabel does not override the human decision.
        try store.writeAutoLabel(promptID: 1, iteration: 1, decision: decision(2, 0.7, 1, 0.2))
        #expect(try store.effectiveLabel(promptID: 1, iteration: 1)?.action == .dropped)
    }

    @Test func keepFilteredAndHandWrittenRationale() throws {
        let store = try Fixtures.store(prompts: 3)
        try store.writeAutoLabel(promptID: 1, iteration: 1, decision: decision(1, 0.3, 2, 0.3, kept: false))
        let kept = try store.writeHumanLabel(promptID: 1, iteration: 1, request: .keepFiltered, note: nil, providerCount: 2)
        #expect(kept.label.action == .keptFiltered && kept.label.chosenProvider == 1 && kept.label.rejectedProvider == 2)

        try store.writeAutoLabel(promptID: 2, iteration: 1, decision: decision(2, 0.9, 1, 0.2))
        #expect(throws: StoreError.invalidLabel("the auto pair of prompt 2 was not filtered out")) {
            try store.writeHumanLabel(promptID: 2, iteration: 1, request: .keepFiltered, note: nil, providerCount: 2)
        }
        let written = try store.writeHumanLabel(promptID: 2, iteration: 1, request: .rationale("18 / 2 = 9", rejected: nil),
                                                note: "both skip the halving", providerCount: 2)
        #expect(written.label.chosenRationale == "18 / 2 = 9" && written.label.rejectedProvider == 1)
        #expect(written.label.chosenProvider == nil && written.label.action == .chosen)

        #expect(throws: StoreError.self) {  // no auto pair to take the rejected side from
            try store.writeHumanLabel(promptID: 3, iteration: 1, request: .rationale("x", rejected: nil), note: nil, providerCount: 2)
        }
        #expect(throws: StoreError.invalidLabel("rejected provider 3 is not in 1...2")) {
            try store.writeHumanLabel(promptID: 3, iteration: 1, request: .pair(chosen: 1, rejected: 3), note: nil, providerCount: 2)
        }
        #expect(throws: StoreError.invalidLabel("chosen and rejected are both provider 1")) {
            try store.writeHumanLabel(promptID: 3, iteration: 1, request: .pair(chosen: 1, rejected: 1), note: nil, providerCount: 2)
        }
        #expect(throws: StoreError.unknownPrompt(99)) {
            try store.writeHumanLabel(promptID: 99, iteration: 1, request: .drop, note: nil, providerCount: 2)
        }
        #expect(throws: StoreError.self) {
            try store.writeHumanLabel(promptID: 3, iteration: 1, request: .acceptAuto, note: nil, providerCount: 2)
        }
        #expect(try store.labelHistory(promptID: 3, iteration: 1).isEmpty)

        // Accepting a filtered auto label keeps it filtered, now as a human decision.
        try store.writeAutoLabel(promptID: 3, iteration: 1, decision: decision(2, 0.2, 1, 0.1, baseline: 0.5, kept: false))
        let accepted = try store.writeHumanLabel(promptID: 3, iteration: 1, request: .acceptAuto, note: nil, providerCount: 2)
        #expect(accepted.label.source == .human && accepted.label.action == .filtered)
        #expect(accepted.label.chosenProvider == 2 && accepted.label.rejectedProvider == 1)
        #expect(try store.labelAgreement(iteration: 1) == LabelAgreement(agreed: 1, compared: 3))
    }

    @Test func statusAndAgreementCountTheLatestLabels() throws {
        let store = try Fixtures.store(prompts: 4)
        try store.writeAutoLabel(promptID: 1, iteration: 1, decision: decision(1, 0.9, 2, 0.1))
        try store.writeAutoLabel(promptID: 2, iteration: 1, decision: decision(1, 0.9, 2, 0.1))
        try store.writeAutoLabel(promptID: 3, iteration: 1, decision: decision(2, 0.5, 1, 0.5, kept: false))
        try store.writeHumanLabel(promptID: 1, iteration: 1, request: .pair(chosen: 1, rejected: 2), note: nil, providerCount: 2)
        try store.writeHumanLabel(promptID: 2, iteration: 1, request: .pair(chosen: 2, rejected: 1), note: nil, providerCount: 2)
        try store.writeHumanLabel(promptID: 4, iteration: 2, request: .drop, note: nil, providerCount: 2)
        let agreement = try store.labelAgreement(iteration: 1)
        #expect(agreement.agreed == 1 && agreement.compared == 2)

        let status = try store.status()
        #expect(status.promptsPerSplit == [.train: 4])
        #expect(status.iterations.map(\.iteration) == [1, 2])
        let first = status.iterations[0]
        #expect(first.autoLabels == [.chosen: 2, .filtered: 1])
        #expect(first.humanLabels == [.chosen: 2])
        #expect(first.effectiveLabels == [.chosen: 2, .filtered: 1])
        #expect(first.trainingPairs == 2)
        #expect(status.iterations[1].humanLabels == [.dropped: 1] && status.iterations[1].trainingPairs == 0)
        #expect(try store.effectiveLabels(iteration: 1).map(\.promptId) == [1, 2, 3])
        #expect(try store.latestIteration(promptID: 4) == 2)
        #expect(try store.latestIteration(promptID: 1) == 1)
        try Fixtures.score(store, prompt: 1, iteration: 3, provider: 1, logprobs: [-1])
        #expect(try store.latestIteration(promptID: 1) == 3)
        #expect(try store.latestIteration(promptID: 99) == nil)
    }

    @Test func labelWritesAreCommittedAndVisibleFromASecondConnection() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let url = directory.url.appendingPathComponent("state.sqlite")
        let writer = try SessionStore(url: url)
        try writer.write { db in
            var prompt = PromptRecord(split: .train, instruction: "q", goldRationale: nil, goldAnswer: "1",
                                      options: nil, sourceFile: "f", sourceLine: 1, sourceHash: "h")
            try prompt.insert(db)
        }
        let reader = try SessionStore(url: url)
        try writer.writeHumanLabel(promptID: 1, iteration: 1, request: .drop, note: "n", providerCount: 2)
        #expect(try reader.effectiveLabel(promptID: 1, iteration: 1)?.note == "n")
        #expect(try writer.appliedMigrations() == StoreMigrations.migrator.migrations)  // every migration, in order
        // A failing write leaves nothing behind.
        #expect(throws: StoreError.self) {
            try writer.write { db in
                var prompt = PromptRecord(split: .test, instruction: "q2", goldRationale: nil, goldAnswer: "2",
                                          options: nil, sourceFile: "f", sourceLine: 2, sourceHash: "h2")
                try prompt.insert(db)
                throw StoreError.corrupt("abort")
            }
        }
        #expect(try reader.prompts().count == 1)
    }

    @Test func scoresAndGenerationsAreSavedOnce() throws {
        let store = try Fixtures.store(prompts: 1)
        let first = try store.saveGeneration(GenerationRecord(promptId: 1, iteration: 1, provider: 1, text: "a", tokenCount: 1))
        let second = try store.saveGeneration(GenerationRecord(promptId: 1, iteration: 1, provider: 1, text: "b", tokenCount: 1))
        #expect(second.id == first.id && second.text == "a")  // (dates come back at millisecond precision)
        try Fixtures.score(store, prompt: 1, iteration: 1, provider: 1, logprobs: [-0.25, -1.5])
        try Fixtures.score(store, prompt: 1, iteration: 1, provider: 1, logprobs: [-9])
        let scores = try store.scores(promptID: 1, iteration: 1)
        #expect(scores.count == 1)
        #expect(try scores[0].decodedTokenLogprobs() == [-0.25, -1.5])
        #expect(abs(scores[0].score - exp(-0.875)) < 1e-12)
        #expect(throws: StoreError.self) { try TokenLogprobsBlob.decode(Data([1, 2, 3]), context: "x") }
    }

    @Test func metricsAndCheckpointsKeepOneRowPerStep() throws {
        let store = try Fixtures.store(prompts: 1)
        let run = try store.startRun(RunRecord(kind: "train", iteration: 1, provider: 1, config: "{}"))
        let runID = try #require(run.id)
        var metric = MetricRecord(runId: runID, step: 1)
        metric.loss = 0.69
        try store.recordMetric(metric)
        metric.loss = 0.68
        try store.recordMetric(metric)
        #expect(try store.metrics(runID: runID).map(\.loss) == [0.68])
        // FORMATS.md's metric names, each mapped from a stored column.
        #expect(MetricRecord.trlNames.map(\.value) == [
            "loss", "rewards/chosen", "rewards/rejected", "rewards/margins", "rewards/accuracies", "logps/chosen",
            "logps/rejected", "logits/chosen", "logits/rejected", "grad_norm", "learning_rate", "epoch", "nll_loss"])
        let columns = try store.read { db in try db.columns(in: "metric").map(\.name) }
        #expect(Set(MetricRecord.trlNames.map(\.key)).isSubset(of: Set(columns)))
        try store.recordCheckpoint(CheckpointRecord(runId: runID, step: 50, path: "checkpoints/1/50"))
        try store.recordCheckpoint(CheckpointRecord(runId: runID, step: 100, path: "checkpoints/1/100"))
        #expect(try store.latestCheckpoint(runID: runID)?.step == 100)
        try store.finishRun(id: runID, status: .finished, message: nil)
        #expect(try store.status().runs == ["train": 1])
    }
}
