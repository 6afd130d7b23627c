import CollateToyPolicy
import Foundation
import Testing
import TensorCore
@testable import Collate

@Suite struct DPOTrainerTests {
    /// Policy == reference at step 1: D = 0 for every pair, so the loss is the loss type's value
    /// at 0 and every reward metric is 0 (issue 4, Must hold) - through the trainer and store.
    @Test(arguments: [(DPOLossType.sigmoid, log(2.0)), (.ipo, 25.0), (.hinge, 1.0)])
    func firstStepWithPolicyEqualToReference(loss: DPOLossType, expected: Double) throws {
        let setup = try ToyTrainingSetup()
        defer { setup.directory.remove() }
        let outcome = try setup.trainer(freshToyPolicy(), ToyTrainingSetup.configuration(loss: loss, steps: 1)).run()
        guard case .finished(let runID, 1) = outcome else { Issue.record("\(outcome)"); return }
        let first = try #require(try setup.store.metrics(runID: runID).first)
        #expect(first.step == 1)
        // ln 2 comes out as log1p(1), one ulp from log(2.0).
        #expect(abs((first.loss ?? .nan) - expected) < 1e-15, "\(first.loss ?? .nan)")
        #expect(first.rewardsChosen == 0 && first.rewardsRejected == 0)
        #expect(first.rewardsMargins == 0 && first.rewardsAccuracies == 0)
        #expect((first.logpsChosen ?? 0) < 0 && (first.logpsRejected ?? 0) < 0)
        #expect((first.gradNorm ?? 0) > 0)
    }

    /// The SFT term through the trainer: at step 1 (policy == reference) the logged loss is
    /// ln 2 plus w times the chosen rationales' NLL per token, computed here from the policy.
    @Test func firstStepLossAddsTheWeightedSFTTerm() throws {
        let setup = try ToyTrainingSetup(pairs: 3)
        defer { setup.directory.remove() }
        let before = try freshToyPolicy().referenceLogProbs(setup.pairs)
        let chosenNLL = -chosenLogpSum(before, pairs: setup.pairs.count) / Double(before.chosenTokenCounts.reduce(0, +))
        var configuration = ToyTrainingSetup.configuration(steps: 1)
        configuration.sftWeight = 0.5
        let outcome = try setup.trainer(freshToyPolicy(), configuration).run()
        guard case .finished(let runID, 1) = outcome else { Issue.record("\(outcome)"); return }
        let first = try #require(try setup.store.metrics(runID: runID).first)
        #expect(chosenNLL > 0)
        #expect(abs((first.loss ?? .nan) - (log(2.0) + 0.5 * chosenNLL)) < 1e-5, "\(first.loss ?? .nan) vs \(chosenNLL)")
        #expect(first.rewardsMargins == 0)
        // The term is logged on its own, unweighted (TRL's nll_loss); without it, not at all.
        #expect(abs((first.nllLoss ?? .nan) - chosenNLL) < 1e-5, "\(first.nllLoss ?? .nan) vs \(chosenNLL)")
        let plainSetup = try ToyTrainingSetup(pairs: 3)
        defer { plainSetup.directory.remove() }
        guard case .finished(let plainRun, 1) = try plainSetup.trainer(freshToyPolicy(), ToyTrainingSetup.configuration(steps: 1)).run()
        else { Issue.record("the run without the SFT term did not finish"); return }
        #expect(try plainSetup.store.metrics(runID: plainRun).first?.nllLoss == nil)
    }

    /// DPO alone may lower the chosen rationales' likelihood with the rejected ones'; the SFT
    /// term holds it higher: the same steps with w = 1 end with more log-prob on the chosen.
    @Test func theSFTTermKeepsTheChosenRationalesMoreLikely() throws {
        func chosenLogpAfterTraining(sftWeight: Double) throws -> Double {
            let setup = try ToyTrainingSetup()
            defer { setup.directory.remove() }
            let policy = freshToyPolicy()
            var configuration = ToyTrainingSetup.configuration(steps: 12)
            configuration.epochs = 4
            configuration.sftWeight = sftWeight
            _ = try setup.trainer(policy, configuration).run()
            return chosenLogpSum(try policy.referenceLogProbs(setup.pairs), pairs: setup.pairs.count)
        }
        let plain = try chosenLogpAfterTraining(sftWeight: 0)
        let withSFT = try chosenLogpAfterTraining(sftWeight: 1)
        #expect(withSFT > plain + 0.1, "chosen log-prob sum: \(withSFT) with the SFT term, \(plain) without")
    }

    /// A few steps on the toy policy raise margins and accuracies on the training pairs.
    @Test func aFewStepsRaiseMarginsAndAccuracies() throws {
        let setup = try ToyTrainingSetup()
        defer { setup.directory.remove() }
        let policy = freshToyPolicy()
        var configuration = ToyTrainingSetup.configuration(steps: 12)
        configuration.epochs = 4
        var seen: [MetricRecord] = []
        let outcome = try setup.trainer(policy, configuration).run { event in
            if case .step(let metric) = event { seen.append(metric) }
            return .proceed
        }
        guard case .finished(let runID, 12) = outcome else { Issue.record("\(outcome)"); return }
        #expect(try setup.store.metrics(runID: runID).map { row in var copy = row; copy.id = nil; return copy } == seen)
        #expect(seen.map(\.step) == Array(1...12))

        // Margins over every training pair, before (policy == reference: 0) and after.
        let references = try setup.store.referenceLogprobs(iteration: 1, provider: 1)
        let after = try policy.referenceLogProbs(setup.pairs)
        var margins: [Double] = []
        for (i, pair) in setup.pairs.enumerated() {
            let reference = try #require(references[pair.id])
            margins.append(0.1 * ((Double(after.chosen.value[i]) - reference.chosenLogp)
                                  - (Double(after.rejected.value[i]) - reference.rejectedLogp)))
        }
        let meanMargin = margins.reduce(0, +) / Double(margins.count)
        let accuracy = Double(margins.filter { $0 > 0 }.count) / Double(margins.count)
        #expect(meanMargin > 0.5, "mean margin \(meanMargin)")
        #expect(accuracy == 1, "accuracy \(accuracy), margins \(margins)")
        // The logged metrics agree: the last steps have positive margins, full accuracy, lower loss.
        let last = try #require(seen.last)
        #expect((last.rewardsMargins ?? 0) > (seen[0].rewardsMargins ?? 0))
        #expect(last.rewardsAccuracies == 1)
        #expect((last.loss ?? 1) < log(2.0))
    }

    /// Learning rate of each step follows the cosine schedule with warm-up (HF convention: the
    /// step after t completed steps uses lr(t)); epochs advance by batches.
    @Test func learningRateFollowsTheScheduleAndEpochsCountPairs() throws {
        let setup = try ToyTrainingSetup()
        defer { setup.directory.remove() }
        var configuration = ToyTrainingSetup.configuration()
        configuration.warmupRatio = 0.25  // 6 steps (2 epochs of 3 batches): ceil(1.5) = 2 warm-up steps
        guard case .finished(let runID, 6) = try setup.trainer(freshToyPolicy(), configuration).run() else {
            Issue.record("did not finish"); return
        }
        let metrics = try setup.store.metrics(runID: runID)
        let schedule = CosineSchedule(peak: 0.05, warmupSteps: 2, totalSteps: 6)
        #expect(metrics.map(\.learningRate) == (0..<6).map { Double(schedule.learningRate(at: $0)) })
        #expect(metrics[0].learningRate == 0 && metrics[1].learningRate == Double(Float(0.025)))
        let third: Double = 1.0 / 3, twoThirds: Double = 2.0 / 3
        let epochs: [Double?] = [third, twoThirds, 1, 1 + third, 1 + twoThirds, 2]
        #expect(metrics.map(\.epoch) == epochs)
    }

    /// Reference log-probs are computed once, stored, and not computed again on resume.
    @Test func referenceLogProbsAreStoredOnce() throws {
        let setup = try ToyTrainingSetup()
        defer { setup.directory.remove() }
        let first = FaultyPolicy(freshToyPolicy(), fault: .nanLogProb, onCalls: [])
        let stopped = try setup.trainer(first, ToyTrainingSetup.configuration()).run { event in
            if case .step(let metric) = event, metric.step == 2 { return .stop }
            return .proceed
        }
        #expect(stopped == .stopped(runID: 1, step: 2))
        #expect(first.referenceCalls == 3)  // 9 pairs in batches of 3
        let stored = try setup.store.referenceLogprobs(iteration: 1, provider: 1)
        #expect(Set(stored.keys) == Set(setup.pairs.map(\.id)))
        let direct = try freshToyPolicy().referenceLogProbs(setup.pairs)
        for (i, pair) in setup.pairs.enumerated() {
            #expect(stored[pair.id]?.chosenLogp == Double(direct.chosen.value[i]))
            #expect(stored[pair.id]?.rejectedTokens == direct.rejectedTokenCounts[i])
        }
        let second = FaultyPolicy(freshToyPolicy(), fault: .nanLogProb, onCalls: [])
        #expect(try setup.trainer(second, ToyTrainingSetup.configuration()).run() == .finished(runID: 1, steps: 6))
        #expect(second.referenceCalls == 0)
    }

    /// Stop at step k (the callback answers stop), resume with a fresh iteration-start policy:
    /// weights and metrics bitwise equal to an uninterrupted run. Dropout makes the RNG matter.
    @Test(arguments: [1, 3, 4])
    func stopAndResumeEqualsUninterrupted(stopAt: Int) throws {
        let straight = try ToyTrainingSetup()
        defer { straight.directory.remove() }
        let whole = freshToyPolicy(dropout: 0.2)
        #expect(try straight.trainer(whole, ToyTrainingSetup.configuration(checkpointEvery: 3)).run()
                == .finished(runID: 1, steps: 6))

        let interrupted = try ToyTrainingSetup()
        defer { interrupted.directory.remove() }
        let before = freshToyPolicy(dropout: 0.2)
        var events: [TrainingEvent] = []
        let stopped = try interrupted.trainer(before, ToyTrainingSetup.configuration(checkpointEvery: 3)).run { event in
            events.append(event)
            if case .step(let metric) = event, metric.step == stopAt { return .stop }
            return .proceed
        }
        #expect(stopped == .stopped(runID: 1, step: stopAt))
        #expect(events.contains(.checkpoint(step: stopAt, path: "checkpoints/dpo-run-1/step-00000\(stopAt).ckpt")))
        #expect(try interrupted.store.run(id: 1)?.status == .stopped)
        #expect(!bitwiseEqualWeights(before, whole))

        let resumed = freshToyPolicy(dropout: 0.2)
        var started: TrainingEvent?
        let outcome = try interrupted.trainer(resumed, ToyTrainingSetup.configuration(checkpointEvery: 3)).run { event in
            if case .started = event { started = event }
            return .proceed
        }
        #expect(outcome == .finished(runID: 1, steps: 6))
        #expect(started == .started(runID: 1, fromStep: stopAt, totalSteps: 6))
        #expect(bitwiseEqualWeights(resumed, whole))
        let a = try straight.store.metrics(runID: 1).map { [$0.loss, $0.rewardsMargins, $0.gradNorm, $0.epoch] }
        let b = try interrupted.store.metrics(runID: 1).map { [$0.loss, $0.rewardsMargins, $0.gradNorm, $0.epoch] }
        #expect(a == b)
        #expect(try interrupted.store.run(id: 1)?.status == .finished)

        // Running a finished run again trains nothing and loads the final weights.
        let reloaded = freshToyPolicy(dropout: 0.2)
        #expect(try interrupted.trainer(reloaded, ToyTrainingSetup.configuration(checkpointEvery: 3)).run()
                == .finished(runID: 1, steps: 6))
        #expect(bitwiseEqualWeights(reloaded, whole))
        #expect(try interrupted.store.metrics(runID: 1).count == 6)
    }
}

/// Sum of the chosen completions' summed log-probs over the first `pairs` pairs.
private func chosenLogpSum(_ logprobs: PairLogProbs, pairs: Int) -> Double {
    (0..<pairs).reduce(0.0) { $0 + Double(logprobs.chosen.value[$1]) }
}
