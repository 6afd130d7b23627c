import CollateToyPolicy
import Foundation
import Testing
import TensorCore
@testable import Collate
import TestSupport

@Suite struct TrainingFailureTests {
    /// A NaN log-prob at step 3 stops the run before the step is applied: failed, with a
    /// message naming the step and the checkpoint; the checkpoint of step 2 stays loadable; a
    /// resumed run ends where an uninterrupted one does.
    @Test func nanAtStepThreeFailsTheRunAndResumeRecovers() throws {
        let setup = try ToyTrainingSetup()
        defer { setup.directory.remove() }
        let faulty = FaultyPolicy(freshToyPolicy(), fault: .nanLogProb, onCalls: [3])
        var failures: [TrainingEvent] = []
        let outcome = try setup.trainer(faulty, ToyTrainingSetup.configuration()).run { event in
            if case .failed = event { failures.append(event) }
            return .proceed
        }
        guard case .failed(1, 3, let message) = outcome else { Issue.record("\(outcome)"); return }
        #expect(message.hasPrefix("step 3: the policy's log-prob of the chosen completion of pair"), "\(message)")
        #expect(message.contains("is NaN"), "\(message)")
        #expect(message.contains("The last good checkpoint is step 2 (checkpoints/dpo-run-1/step-000002.ckpt)"), "\(message)")
        #expect(failures == [.failed(step: 3, message: message)])
        let run = try #require(try setup.store.run(id: 1))
        #expect(run.status == .failed && run.message == message)
        #expect(try setup.store.metrics(runID: 1).map(\.step) == [1, 2])
        let checkpoint = try #require(try setup.store.latestCheckpoint(runID: 1))
        #expect(checkpoint.step == 2)
        #expect(try CheckpointFile.read(setup.directory.url.appendingPathComponent(checkpoint.path)).step == 2)

        // Resume (same settings) and compare with a run that never failed.
        let resumed = freshToyPolicy()
        #expect(try setup.trainer(resumed, ToyTrainingSetup.configuration()).run() == .finished(runID: 1, steps: 6))
        let clean = try ToyTrainingSetup()
        defer { clean.directory.remove() }
        let uninterrupted = freshToyPolicy()
        _ = try clean.trainer(uninterrupted, ToyTrainingSetup.configuration()).run()
        #expect(bitwiseEqualWeights(resumed, uninterrupted))
    }

    /// An infinite gradient (finite loss) also stops the run, and a later run with a lower
    /// learning rate resumes from the last checkpoint.
    @Test func infiniteGradientFailsTheRunAndALowerRateResumes() throws {
        let setup = try ToyTrainingSetup()
        defer { setup.directory.remove() }
        let faulty = FaultyPolicy(freshToyPolicy(), fault: .infiniteGradient, onCalls: [5])
        let outcome = try setup.trainer(faulty, ToyTrainingSetup.configuration()).run()
        guard case .failed(1, 5, let message) = outcome else { Issue.record("\(outcome)"); return }
        #expect(message.hasPrefix("step 5: the gradient norm is NaN"), "\(message)")
        #expect(message.contains("step 4 (checkpoints/dpo-run-1/step-000004.ckpt)"), "\(message)")
        let lower = ToyTrainingSetup.configuration(learningRate: 0.01)
        var started: TrainingEvent?
        let resumed = try setup.trainer(freshToyPolicy(), lower).run { event in
            if case .started = event { started = event }
            return .proceed
        }
        #expect(resumed == .finished(runID: 1, steps: 6))
        #expect(started == .started(runID: 1, fromStep: 4, totalSteps: 6))
        #expect(try setup.store.metrics(runID: 1).last?.learningRate == Double(CosineSchedule(
            peak: 0.01, warmupSteps: 0, totalSteps: 6).learningRate(at: 5)))
    }

    /// A NaN before any checkpoint: the message says a resumed run starts from step 0.
    @Test func nanBeforeAnyCheckpointSaysSo() throws {
        let setup = try ToyTrainingSetup()
        defer { setup.directory.remove() }
        let faulty = FaultyPolicy(freshToyPolicy(), fault: .nanLogProb, onCalls: [1])
        guard case .failed(1, 1, let message) = try setup.trainer(faulty, ToyTrainingSetup.configuration()).run() else {
            Issue.record("did not fail"); return
        }
        #expect(message.contains("No checkpoint was written yet, so a resumed run starts from step 0"), "\(message)")
    }

    /// Damaged checkpoints give an error naming the file, never a crash.
    @Test(arguments: ["flipped byte", "truncated", "not a checkpoint", "empty"])
    func corruptCheckpointNamesTheFile(damage: String) throws {
        let setup = try ToyTrainingSetup()
        defer { setup.directory.remove() }
        _ = try setup.trainer(freshToyPolicy(), ToyTrainingSetup.configuration()).run { event in
            if case .step(let metric) = event, metric.step == 2 { return .stop }
            return .proceed
        }
        let url = setup.directory.url.appendingPathComponent("checkpoints/dpo-run-1/step-000002.ckpt")
        var bytes = [UInt8](try Data(contentsOf: url))
        switch damage {
        case "flipped byte": bytes[bytes.count / 2] ^= 0x10
        case "truncated": bytes.removeLast(bytes.count / 3)
        case "not a checkpoint": bytes = Array("{\"hello\": 1}".utf8)
        default: bytes = []
        }
        try Data(bytes).write(to: url)
        do {
            _ = try setup.trainer(freshToyPolicy(), ToyTrainingSetup.configuration()).run()
            Issue.record("a corrupt checkpoint was accepted")
        } catch let error as TrainingError {
            guard case .corruptCheckpoint(let path, let reason) = error else { Issue.record("\(error)"); return }
            #expect(path == url.path)
            #expect("\(error)".contains("step-000002.ckpt is corrupt"), "\(error)")
            let expected = damage == "flipped byte" || damage == "truncated" ? "checksum mismatch" : "magic"
            #expect(reason.contains(expected), "\(reason)")
        }
        #expect(try setup.store.run(id: 1)?.status == .failed)
    }

    /// Checkpoint files round-trip every field exactly; a checkpoint of other pairs is refused.
    @Test func checkpointRoundTripAndMismatch() throws {
        var random = SeededRandom(seed: 9)
        _ = random.normal()  // leaves a spare normal in the state
        let checkpoint = TrainingCheckpoint(
            step: 17, position: DataPosition(epoch: 2, index: 5), random: random.state, pairsDigest: 0xDEAD_BEEF,
            parameters: ["a": Tensor([1, -2.5, .greatestFiniteMagnitude, 0], shape: [2, 2]), "b": Tensor([3])],
            optimizer: AdamWState(stepCount: 17, tensors: ["a.exp_avg": [1, 2, 3, 4], "a.exp_avg_sq": [0, 0, 1e-30, 5]]))
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let url = directory.url.appendingPathComponent("x/step.ckpt")
        try CheckpointFile.write(checkpoint, to: url)
        let back = try CheckpointFile.read(url)
        #expect(back.step == 17 && back.position == DataPosition(epoch: 2, index: 5))
        #expect(back.random == random.state && back.pairsDigest == 0xDEAD_BEEF && back.optimizer == checkpoint.optimizer)
        #expect(back.parameters.count == 2 && back.parameters["a"]!.isBitwiseEqual(checkpoint.parameters["a"]!))
        #expect(back.encoded() == checkpoint.encoded())
        #expect(try FileManager.default.contentsOfDirectory(atPath: url.deletingLastPathComponent().path) == ["step.ckpt"])

        let setup = try ToyTrainingSetup()
        defer { setup.directory.remove() }
        _ = try setup.trainer(freshToyPolicy(), ToyTrainingSetup.configuration()).run { _ in .stop }
        let fewer = DPOTrainer(store: setup.store, sessionFolder: setup.directory.url, policy: freshToyPolicy(),
                               pairs: Array(setup.pairs.prefix(6)), iteration: 1, provider: 1,
                               configuration: ToyTrainingSetup.configuration())
        #expect { try fewer.run() } throws: { error in
            guard case TrainingError.mismatchedCheckpoint(_, let reason) = error else { return false }
            return reason.contains("other preference pairs")
        }
    }
}

extension TrainingFailureTests {
    /// A half-written checkpoint left by a kill (a temporary name, never renamed) is ignored and
    /// removed when the run resumes.
    @Test func halfWrittenCheckpointOfAKilledRunIsRemoved() throws {
        let setup = try ToyTrainingSetup()
        defer { setup.directory.remove() }
        _ = try setup.trainer(freshToyPolicy(), ToyTrainingSetup.configuration()).run { event in
            if case .step(let metric) = event, metric.step == 2 { return .stop }
            return .proceed
        }
        let directory = setup.directory.url.appendingPathComponent("checkpoints/dpo-run-1")
        try Data([1, 2, 3]).write(to: directory.appendingPathComponent(".step-000003.ckpt.4242.tmp"))
        var started: TrainingEvent?
        #expect(try setup.trainer(freshToyPolicy(), ToyTrainingSetup.configuration()).run { event in
            if case .started = event { started = event }
            return .proceed
        } == .finished(runID: 1, steps: 6))
        #expect(started == .started(runID: 1, fromStep: 2, totalSteps: 6))
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        #expect(names == ["step-000002.ckpt", "step-000004.ckpt", "step-000006.ckpt"])  // every 2 steps
    }
}

extension TrainingFailureTests {
    /// Pairs that changed after a run finished: an error that says so, and the run stays finished.
    @Test func changedPairsAfterAFinishedRunAreRefusedAndTheRunStaysFinished() throws {
        let setup = try ToyTrainingSetup()
        defer { setup.directory.remove() }
        #expect(try setup.trainer(freshToyPolicy(), ToyTrainingSetup.configuration()).run() == .finished(runID: 1, steps: 6))
        let fewer = DPOTrainer(store: setup.store, sessionFolder: setup.directory.url, policy: freshToyPolicy(),
                               pairs: Array(setup.pairs.dropLast()), iteration: 1, provider: 1,
                               configuration: ToyTrainingSetup.configuration())
        #expect(throws: TrainingError.self) { try fewer.run() }
        #expect(try setup.store.run(id: 1)?.status == .finished)
    }
}
